import { mkdirSync } from 'node:fs'
import { PGliteDialect, PostgresDialect, sql, type Kysely } from 'kysely'
import pg from 'pg'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import type { Database } from './database-types.js'
import { migrate, type MigrationSession } from './migrate.js'
import { guardedKysely } from './transaction-guard.js'
import { checkpointingPglite, PGLITE_WAL_SETTINGS } from './pglite-checkpoints.js'

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
  /**
   * Calls `heard` on every NOTIFY on `channel` from any process sharing the store (after the
   * notifying transaction committed), and once more after a lost connection is back, since
   * notices sent meanwhile are gone. The embedded store serves one process, which needs no
   * notices: there it does nothing. Resolves to a function that stops listening.
   */
  listen (channel: string, heard: () => void): Promise<() => Promise<void>>
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
    listen: (channel, heard) => listenOn(url, channel, heard),
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
    parsers: { [pgliteTypes.DATE]: (v: string) => v, [pgliteTypes.INT8]: (v: string) => Number(v) },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_WAL_SETTINGS]
  })
  const db = guardedKysely<Database>(new PGliteDialect({ pglite: checkpointingPglite(pglite) }))
  return {
    kind: 'pglite',
    db,
    ping: () => ping(db),
    listen: async () => async () => {},
    pool: undefined,
    withScriptSession: (fn) => pglite.transaction((tx) => fn({
      exec: async (text) => { await tx.exec(text) },
      query: async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows
    })),
    // Kysely's PGlite driver leaves the instance open; PGlite keeps the process alive until closed.
    async close () { await db.destroy(); if (!pglite.closed) await pglite.close() }
  }
}

/** LISTEN on a connection of its own (a pooled one would be handed to queries), reconnecting with backoff. */
async function listenOn (url: string, channel: string, heard: () => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`)
  let client: pg.Client | undefined
  let stopped = false
  let retry: NodeJS.Timeout | undefined
  const connect = async (attempt: number): Promise<void> => {
    const next = new pg.Client({ connectionString: url })
    next.on('notification', (message) => { if (message.channel === channel) heard() })
    next.on('error', () => { /* 'end' follows and reconnects */ })
    next.on('end', () => {
      if (stopped || client !== next) return
      client = undefined
      retry = setTimeout(() => { void connect(1).catch(() => {}) }, 200)
      retry.unref()
    })
    try {
      await next.connect()
      await next.query(`listen ${channel}`)
    } catch (err) {
      await next.end().catch(() => {})
      if (attempt === 0) throw err
      if (!stopped) {
        retry = setTimeout(() => { void connect(attempt + 1).catch(() => {}) }, Math.min(200 * 2 ** attempt, 10_000))
        retry.unref()
      }
      return
    }
    if (stopped) { await next.end().catch(() => {}); return }
    client = next
    // Whatever was sent while no connection listened is lost: assume it was.
    if (attempt > 0) heard()
  }
  await connect(0)
  return async () => {
    stopped = true
    if (retry) clearTimeout(retry)
    await client?.end().catch(() => {})
    client = undefined
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
