import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { ApiKey } from './schemas.js'

export function apiKeyRepository (db: Kysely<Database>) {
  return {
    async insert (row: { id: string, organisation: string, name: string | null, scopes: string[], secret_hash: string }): Promise<ApiKey> {
      const r = await db.insertInto('api_keys').values(row).returning(['id', 'name', 'scopes', 'created_at']).executeTakeFirstOrThrow()
      return toApiKey(r)
    },

    async listActive (organisation: string): Promise<ApiKey[]> {
      const rows = await db.selectFrom('api_keys').select(['id', 'name', 'scopes', 'created_at'])
        .where('organisation', '=', organisation).where('revoked_at', 'is', null).orderBy('created_at').orderBy('id').execute()
      return rows.map(toApiKey)
    },

    /** Marks the key revoked; false when the organisation has no such active key. */
    async revoke (organisation: string, id: string): Promise<boolean> {
      const r = await db.updateTable('api_keys').set({ revoked_at: new Date() })
        .where('organisation', '=', organisation).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    async findActiveKey (id: string) {
      return db.selectFrom('api_keys').select(['organisation', 'scopes', 'secret_hash'])
        .where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
    }
  }
}

export type ApiKeyRepository = ReturnType<typeof apiKeyRepository>

function toApiKey (r: { id: string, name: string | null, scopes: string[], created_at: Date | string }): ApiKey {
  return { id: r.id, name: r.name, scopes: r.scopes as ApiKey['scopes'], created_at: new Date(r.created_at).toISOString() }
}
