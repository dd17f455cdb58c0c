import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import { randomToken, sha256Hex } from './secrets.js'

const SETTING = 'admin_token_sha256'

/**
 * The platform admin token's hash. A configured token wins; otherwise one is generated on
 * first start, only its hash is stored, and the token itself is returned once for printing.
 */
export async function resolveAdminToken (db: Kysely<Database>, configured: string | undefined): Promise<{ hash: string, generated?: string }> {
  if (configured) return { hash: sha256Hex(configured) }
  const stored = await db.selectFrom('platform_settings').select('value').where('key', '=', SETTING).executeTakeFirst()
  if (stored) return { hash: String(stored.value) }
  const token = randomToken(32)
  const hash = sha256Hex(token)
  const inserted = await db.insertInto('platform_settings')
    .values({ key: SETTING, value: JSON.stringify(hash) })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('value')
    .executeTakeFirst()
  if (!inserted) {
    // Another process won the race; use its token.
    const winner = await db.selectFrom('platform_settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow()
    return { hash: String(winner.value) }
  }
  return { hash, generated: token }
}
