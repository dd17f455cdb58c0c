import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { ApiKey } from './schemas.js'
import { withTenant } from '../store/tenant-scope.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'

export function apiKeyRepository (db: Kysely<Database>) {
  return {
    /** Inserts, recorded in the organisation's audit chain in the same transaction: id, name and scopes, never the secret or its hash. */
    async insert (row: { id: string, organisation: string, name: string | null, scopes: string[], secret_hash: string }, actor: AuditActor): Promise<ApiKey> {
      return withTenant(db, row.organisation, async (trx) => {
        const r = await trx.insertInto('api_keys').values(row).returning(['id', 'name', 'scopes', 'created_at']).executeTakeFirstOrThrow()
        await appendAudit(trx, [{ organisation: row.organisation, action: 'api-key.created', actor, details: { key_id: r.id, name: r.name, scopes: r.scopes } }])
        return toApiKey(r)
      })
    },

    async listActive (organisation: string): Promise<ApiKey[]> {
      const rows = await db.selectFrom('api_keys').select(['id', 'name', 'scopes', 'created_at'])
        .where('organisation', '=', organisation).where('revoked_at', 'is', null).orderBy('created_at').orderBy('id').execute()
      return rows.map(toApiKey)
    },

    /** Marks the key revoked, recorded in the audit chain in the same transaction; false when the organisation has no such active key. */
    async revoke (organisation: string, id: string, actor: AuditActor): Promise<boolean> {
      return withTenant(db, organisation, async (trx) => {
        const r = await trx.updateTable('api_keys').set({ revoked_at: new Date() })
          .where('organisation', '=', organisation).where('id', '=', id).where('revoked_at', 'is', null).returning(['id', 'scopes']).executeTakeFirst()
        if (r) await appendAudit(trx, [{ organisation, action: 'api-key.revoked', actor, details: { key_id: r.id, scopes: r.scopes } }])
        return r !== undefined
      })
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
