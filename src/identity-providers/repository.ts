import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { IdentityProviderDocument } from './schemas.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'
import { jsonColumn } from '../store/json-column.js'

export interface StoredIdentityProvider { organisation: string, document: IdentityProviderDocument, created_at: Date, updated_at: Date }

/** Platform-level reads and writes: the token endpoint finds an IdP by issuer before it knows the organisation. */
export function identityProviderRepository (db: Kysely<Database>) {
  const columns = ['organisation', 'document', 'created_at', 'updated_at'] as const
  return {
    /**
     * Inserts or replaces, recorded in the organisation's audit chain in the same
     * transaction; undefined (and nothing recorded) when another organisation holds the issuer.
     */
    async put (organisation: string, document: IdentityProviderDocument, actor: AuditActor): Promise<{ created: boolean, stored: StoredIdentityProvider } | undefined> {
      return db.transaction().execute(async (trx) => {
        const taken = await trx.selectFrom('identity_providers').select('organisation').where('issuer', '=', document.issuer).where('organisation', '<>', organisation).executeTakeFirst()
        if (taken) return undefined
        const row = await trx.insertInto('identity_providers').values({ organisation, issuer: document.issuer, document: JSON.stringify(document) })
          .onConflict((oc) => oc.column('organisation').doUpdateSet({ issuer: document.issuer, document: JSON.stringify(document), updated_at: new Date() }))
          .returning([...columns, sql<boolean>`xmax = 0`.as('inserted')]).executeTakeFirstOrThrow()
        await appendAudit(trx, [{ organisation, action: 'identity-provider.registered', actor, details: { created: row.inserted, ...identityProviderSummary(document) } }])
        return { created: row.inserted, stored: toStored(row) }
      })
    },
    async find (organisation: string): Promise<StoredIdentityProvider | undefined> {
      const row = await db.selectFrom('identity_providers').select([...columns]).where('organisation', '=', organisation).executeTakeFirst()
      return row && toStored(row)
    },
    async findByIssuer (issuer: string): Promise<StoredIdentityProvider | undefined> {
      const row = await db.selectFrom('identity_providers').select([...columns]).where('issuer', '=', issuer).executeTakeFirst()
      return row && toStored(row)
    },
    /** Deletes, recorded in the organisation's audit chain in the same transaction; false when there was none. */
    async delete (organisation: string, actor: AuditActor): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const row = await trx.deleteFrom('identity_providers').where('organisation', '=', organisation).returning('issuer').executeTakeFirst()
        if (row) await appendAudit(trx, [{ organisation, action: 'identity-provider.removed', actor, details: { issuer: row.issuer } }])
        return row !== undefined
      })
    }
  }
}

export type IdentityProviderRepository = ReturnType<typeof identityProviderRepository>

/** What the audit log keeps of a registration: who issues and how keys are found, never whole key sets. */
function identityProviderSummary (document: IdentityProviderDocument): Record<string, unknown> {
  return {
    issuer: document.issuer,
    subject: document.subject,
    ...(document.jwks ? { kids: document.jwks.keys.map((k) => k.kid) } : {}),
    ...(document.jwks_uri ? { jwks_uri: document.jwks_uri } : {}),
    audiences: document.audiences ?? []
  }
}

function toStored (row: { organisation: string, document: unknown, created_at: Date, updated_at: Date }): StoredIdentityProvider {
  return {
    organisation: row.organisation,
    document: jsonColumn<IdentityProviderDocument>(row.document),
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at)
  }
}
