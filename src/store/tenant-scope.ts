import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from './database-types.js'

/**
 * Runs `fn` in a transaction bound to one organisation: as the role behorig_tenant, with
 * `behorig.organisation` set, so the row-level security policies (migration 0004) hide
 * every other organisation's rows from whatever `fn` queries.
 */
export async function withTenant<T> (db: Kysely<Database>, organisation: string, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local role behorig_tenant`.execute(trx)
    await sql`select set_config('behorig.organisation', ${organisation}, true)`.execute(trx)
    return fn(trx)
  })
}
