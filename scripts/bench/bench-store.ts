/** What the benchmarks share: a throwaway store of either kind and an organisation in it. */
import pg from 'pg'
import { openStore, type Store } from '../../src/store/open-store.js'
import { luhnCheckDigit } from '../../src/identifiers/luhn.js'
import type { BenchStoreKind } from './bench-cli.js'

export interface BenchStore {
  store: Store
  /** Drops the throwaway PostgreSQL database (after the store is closed). */
  drop: () => Promise<void>
}

/** PGlite in memory, or a fresh database in DATABASE_URL's server (from scripts/with-test-services.sh). */
export async function openBenchStore (kind: BenchStoreKind): Promise<BenchStore> {
  if (kind === 'pglite') return { store: await openStore({ url: undefined, embeddedDir: 'memory://', poolSize: 4 }), drop: async () => {} }
  const database = await createBenchDatabase()
  return { store: await openStore({ url: database.url, embeddedDir: 'memory://', poolSize: 4 }), drop: database.drop }
}

/** A fresh database in DATABASE_URL's server, for benchmarks whose phases run in processes of their own. */
export async function createBenchDatabase (): Promise<{ url: string, drop: () => Promise<void> }> {
  const admin = process.env['DATABASE_URL']
  if (!admin) throw new Error('DATABASE_URL is needed for the PostgreSQL run (use scripts/with-test-services.sh)')
  const name = `behorig_bench_${process.pid}`
  await adminQuery(admin, `create database ${name}`)
  const url = new URL(admin)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => adminQuery(admin, `drop database if exists ${name} with (force)`) }
}

async function adminQuery (url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { await client.query(statement) } finally { await client.end() }
}

const BENCH_PAYLOAD = '212001234'
/** The benchmark municipality's organisation number (valid: Luhn, third digit ≥ 2). */
export const BENCH_ORGANISATION = BENCH_PAYLOAD + luhnCheckDigit(BENCH_PAYLOAD)

/** Inserts the benchmark municipality and returns its number. */
export async function createBenchOrganisation (store: Store): Promise<string> {
  const org = BENCH_ORGANISATION
  await store.db.insertInto('organisations').values({ number: org, name: 'Benchkommun', kind: 'municipality', municipality_code: null }).execute()
  return org
}
