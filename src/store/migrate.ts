import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from './package-root.js'

export interface MigrationSession {
  exec (text: string): Promise<void>
  query (text: string, params?: unknown[]): Promise<Record<string, unknown>[]>
}

interface ScriptRunner {
  withScriptSession<T> (fn: (session: MigrationSession) => Promise<T>): Promise<T>
}

export interface Migration { id: string, sql: string }

// Arbitrary constant: every behorig process takes this lock before migrating, so two
// processes starting at once apply each migration exactly once.
const MIGRATION_LOCK = 74_251_903

export function migrationsDir (): string {
  return join(packageRoot(), 'src', 'store', 'migrations')
}

/** Numbered SQL files, in order: `0001-foundation.sql`, `0002-…`. */
export function loadMigrations (dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }))
}

/** Applies pending migrations in one transaction under an advisory lock. Returns the ids applied. */
export async function migrate (store: ScriptRunner, migrations = loadMigrations()): Promise<string[]> {
  return store.withScriptSession(async (session) => {
    await session.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await session.exec(`create table if not exists schema_migrations (
      id text primary key, applied_at timestamptz not null default now())`)
    const rows = await session.query('select id from schema_migrations')
    const applied = new Set(rows.map((r) => String(r['id'])))
    const pending = migrations.filter((m) => !applied.has(m.id))
    for (const m of pending) {
      await session.exec(m.sql)
      await session.query('insert into schema_migrations (id) values ($1)', [m.id])
    }
    return pending.map((m) => m.id)
  })
}
