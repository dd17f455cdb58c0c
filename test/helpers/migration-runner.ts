import type pg from 'pg'
import type { MigrationSession } from '../../src/store/migrate.js'

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
