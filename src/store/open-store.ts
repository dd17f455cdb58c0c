import { mkdirSync } from 'node:fs'
import { PGliteDialect, PostgresDialect, sql, type Kysely } from 'kysely'
import pg from 'pg'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import type { Database } from './database-types.js'
import { migrate, type MigrationSession } from './migrate.js'
import { guardedKysely } from './transaction-guard.js'

export interface StoreOptions {
  /** PostgreSQL URL; undefined selects the embedded PGlite store. */
  url: string | undefined
  /** PGlite data directory, or `memory://`. */
  embeddedDir: string
  poolSize: number
}

export interface Store {
  readonly kind: 'postgres' | 'pglite'
  /** The root handle. Inside one of its transactions only that transaction's handle may be used (store/transaction-guard.ts). */
  readonly db: Kysely<Database>
  /** True when the store answers a trivial query. */
  ping (): Promise<boolean>
  /** PostgreSQL's connection pool now (for the metrics); PGlite, one in-process connection, has none. */
  readonly pool: (() => PoolUsage) | undefined
  /** Runs a multi-statement script in one transaction (migrations). */
  withScriptSession<T> (fn: (session: MigrationSession) => Promise<T>): Promise<T>
  close (): Promise<void>
}

export interface PoolUsage { total: number, idle: number, waiting: number, max: number }

// DATE stays a 'YYYY-MM-DD' string (no time-zone shifts); BIGINT becomes a number
// (our counters and sequences stay far below 2^53).
const DATE_OID = 1082
const INT8_OID = 20
pg.types.setTypeParser(DATE_OID, (v) => v)
pg.types.setTypeParser(INT8_OID, (v) => Number(v))

export async function openStore (options: StoreOptions): Promise<Store> {
  const store = options.url ? openPostgres(options.url, options.poolSize) : await openPglite(options.embeddedDir)
  try {
    await migrate(store)
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}

function openPostgres (url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  pool.on('error', () => { /* an idle client died; the pool replaces it on next use */ })
  // A client in use whose connection dies (PostgreSQL stopped mid-query) emits 'error' as
  // well as failing its queries; unheard, that event would end the process. The failed
  // query is the error that counts (a 503), and the pool drops the client on release.
  pool.on('connect', (client) => { client.on('error', () => {}) })
  const db = guardedKysely<Database>(new PostgresDialect({ pool }))
  return {
    kind: 'postgres',
    db,
    ping: () => ping(db),
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize }),
    async withScriptSession (fn) {
      const client = await pool.connect()
      try {
        await client.query('begin')
        const result = await fn({
          exec: async (text) => { await client.query(text) },
          query: async (text, params) => (await client.query(text, params)).rows
        })
        await client.query('commit')
        return result
      } catch (err) {
        await client.query('rollback').catch(() => {})
        throw err
      } finally {
        client.release()
      }
    },
    close: () => db.destroy()
  }
}

async function openPglite (dir: string): Promise<Store> {
  if (!dir.includes('://')) mkdirSync(dir, { recursive: true })
  const pglite = await PGlite.create(dir, {
    parsers: { [pgliteTypes.DATE]: (v: string) => v, [pgliteTypes.INT8]: (v: string) => Number(v) }
  })
  const db = guardedKysely<Database>(new PGliteDialect({ pglite }))
  return {
    kind: 'pglite',
    db,
    ping: () => ping(db),
    pool: undefined,
    withScriptSession: (fn) => pglite.transaction((tx) => fn({
      exec: async (text) => { await tx.exec(text) },
      query: async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows
    })),
    // Kysely's PGlite driver leaves the instance open; PGlite keeps the process alive until closed.
    async close () { await db.destroy(); if (!pglite.closed) await pglite.close() }
  }
}

async function ping (db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db)
    return true
  } catch {
    return false
  }
}
