import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'

const SETTING = 'admin_token_sha256'

/** The platform admin token's hash, kept in platform_settings. */
export function adminTokenRepository (db: Kysely<Database>) {
  return {
    /** The stored hash, or undefined when none is stored yet. */
    async storedHash (): Promise<string | undefined> {
      const stored = await db.selectFrom('platform_settings').select('value').where('key', '=', SETTING).executeTakeFirst()
      return stored ? String(stored.value) : undefined
    },
    /** Stores `hash` unless a hash is stored already; tells whether it was stored. */
    async storeFirst (hash: string): Promise<boolean> {
      const inserted = await db.insertInto('platform_settings')
        .values({ key: SETTING, value: JSON.stringify(hash) })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('value')
        .executeTakeFirst()
      return inserted !== undefined
    },
    /** The stored hash, which must be there. */
    async winningHash (): Promise<string> {
      const winner = await db.selectFrom('platform_settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow()
      return String(winner.value)
    }
  }
}
