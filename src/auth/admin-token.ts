import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import { adminTokenRepository } from './admin-token-repository.js'
import { randomToken, sha256Hex } from './secrets.js'

/**
 * The platform admin token's hash. A configured token wins; otherwise one is generated on
 * first start, only its hash is stored, and the token itself is returned once for printing.
 */
export async function resolveAdminToken (db: Kysely<Database>, configured: string | undefined): Promise<{ hash: string, generated?: string }> {
  if (configured) return { hash: sha256Hex(configured) }
  const repository = adminTokenRepository(db)
  const stored = await repository.storedHash()
  if (stored !== undefined) return { hash: stored }
  const token = randomToken(32)
  const hash = sha256Hex(token)
  // Another process may win the race; then use its token.
  if (!await repository.storeFirst(hash)) return { hash: await repository.winningHash() }
  return { hash, generated: token }
}
