import pg from 'pg'
import type { Test } from 'tap'
import { loadMigrations, migrate, type MigrationSession } from '../../src/store/migrate.js'
import { freshDatabaseUrl } from './services.js'

/** Migrations over one connection, one transaction per call, as the store runs them. */
export function scriptRunner (client: pg.Client) {
  return {
    async withScriptSession<T> (fn: (session: MigrationSession) => Promise<T>): Promise<T> {
      await client.query('begin')
      try {
        const result = await fn({ exec: async (text) => { await client.query(text) }, query: async (text, params) => (await client.query(text, params)).rows })
        await client.query('commit')
        return result
      } catch (error) {
        await client.query('rollback')
        throw error
      }
    }
  }
}

/**
 * A fresh database migrated up to (not including) migration `before`, for a test that
 * fills it as the earlier schema had it and then runs the rest. Dropped at teardown.
 */
export async function databaseBefore (t: Pick<Test, 'teardown'>, before: string) {
  const database = await freshDatabaseUrl()
  t.teardown(() => database.drop())
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  t.teardown(() => client.end())
  const runner = scriptRunner(client)
  const all = loadMigrations()
  await migrate(runner, all.filter((m) => m.id < before))
  /** Runs the remaining migrations; returns the ids it ran. */
  const migrateRest = async () => migrate(runner, all)
  return { client, migrateRest, rest: all.filter((m) => m.id >= before).map((m) => m.id) }
}
