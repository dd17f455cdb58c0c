import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { IdentityProviderDocument, PlatformIdentityProviderDocument } from './schemas.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'
import { jsonColumn } from '../store/json-column.js'

/** What a SAML registration's metadata said when last read; certificates as PEM. */
export interface StoredSamlMetadata {
  entity_id: string
  certificates: string[]
  valid_until: string | null
  read_at: string
  /** When metadata_url is read again; null for inline metadata. */
  refresh_after: string | null
}

export interface StoredIdentityProvider {
  id: string
  kind: 'saml' | 'oidc'
  /** The SAML entityID or the OIDC issuer: what its logins name their issuer by. */
  entity: string
  organisations: string[]
  document: PlatformIdentityProviderDocument
  metadata?: StoredSamlMetadata
  /** Registrations made through the organisation route: that organisation and the v1 document it took. */
  shortcut?: { organisation: string, document: IdentityProviderDocument }
  created_at: Date
  updated_at: Date
}

export type IdentityProviderWrite = Pick<StoredIdentityProvider, 'kind' | 'entity' | 'organisations' | 'document' | 'metadata' | 'shortcut'>

const COLUMNS = ['id', 'kind', 'entity', 'organisations', 'document', 'metadata', 'shortcut_of', 'shortcut_document', 'created_at', 'updated_at'] as const

/**
 * Platform-level reads and writes: the token endpoint finds an IdP by the issuer a login
 * names, before it knows the organisation. Changes are recorded in the platform chain and
 * in the chain of every organisation served before or after, in the same transaction.
 */
export function identityProviderRepository (db: Kysely<Database>) {
  return {
    /** Inserts or replaces; undefined (and nothing recorded) when another registration holds the entity. */
    async put (id: string, write: IdentityProviderWrite, actor: AuditActor): Promise<{ created: boolean, stored: StoredIdentityProvider } | undefined> {
      return db.transaction().execute(async (trx) => {
        const taken = await trx.selectFrom('platform_identity_providers').select('id').where('entity', '=', write.entity).where('id', '<>', id).executeTakeFirst()
        if (taken) return undefined
        const before = await trx.selectFrom('platform_identity_providers').select('organisations').where('id', '=', id).forUpdate().executeTakeFirst()
        const values = {
          kind: write.kind,
          entity: write.entity,
          organisations: write.organisations,
          document: JSON.stringify(write.document),
          metadata: write.metadata ? JSON.stringify(write.metadata) : null,
          shortcut_of: write.shortcut?.organisation ?? null,
          shortcut_document: write.shortcut ? JSON.stringify(write.shortcut.document) : null
        }
        const row = await trx.insertInto('platform_identity_providers').values({ id, ...values })
          .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: new Date() }))
          .returning([...COLUMNS]).executeTakeFirstOrThrow()
        const created = before === undefined
        const details = { id, created, ...registrationSummary(write) }
        await appendAudit(trx, chainsOf(before?.organisations ?? [], write.organisations).map((organisation) => ({ organisation, action: 'identity-provider.registered' as const, actor, details })))
        return { created, stored: toStored(row) }
      })
    },
    async find (id: string): Promise<StoredIdentityProvider | undefined> {
      const row = await db.selectFrom('platform_identity_providers').select([...COLUMNS]).where('id', '=', id).executeTakeFirst()
      return row && toStored(row)
    },
    async findByEntity (kind: 'saml' | 'oidc', entity: string): Promise<StoredIdentityProvider | undefined> {
      const row = await db.selectFrom('platform_identity_providers').select([...COLUMNS]).where('entity', '=', entity).where('kind', '=', kind).executeTakeFirst()
      return row && toStored(row)
    },
    /** By id, in order; only those serving `organisation` when given. */
    async list (after: string | undefined, limit: number, organisation?: string): Promise<StoredIdentityProvider[]> {
      let query = db.selectFrom('platform_identity_providers').select([...COLUMNS]).orderBy('id').limit(limit)
      if (after !== undefined) query = query.where('id', '>', after)
      if (organisation !== undefined) query = query.where(sql<boolean>`organisations @> array[${organisation}]::text[]`)
      return (await query.execute()).map(toStored)
    },
    /**
     * Stores re-read metadata unless the registration changed meanwhile (then the new
     * registration's own metadata stands); false when it did.
     */
    async saveMetadata (id: string, readFor: Date, metadata: StoredSamlMetadata): Promise<boolean> {
      const result = await db.updateTable('platform_identity_providers').set({ metadata: JSON.stringify(metadata) })
        .where('id', '=', id).where(sql<Date>`date_trunc('milliseconds', updated_at)`, '=', readFor).executeTakeFirst()
      return result.numUpdatedRows > 0n
    },
    /** Deletes; false when there was none. */
    async delete (id: string, actor: AuditActor): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const row = await trx.deleteFrom('platform_identity_providers').where('id', '=', id).returning(['kind', 'entity', 'organisations']).executeTakeFirst()
        if (row) await appendAudit(trx, chainsOf(row.organisations, []).map((organisation) => ({ organisation, action: 'identity-provider.removed' as const, actor, details: { id, ...entityOf(row.kind, row.entity) } })))
        return row !== undefined
      })
    }
  }
}

export type IdentityProviderRepository = ReturnType<typeof identityProviderRepository>

/** The platform chain, and every organisation the registration served before or serves now. */
function chainsOf (before: readonly string[], after: readonly string[]): Array<string | null> {
  return [null, ...new Set([...before, ...after])]
}

/** What the audit log keeps of a registration: who issues, for whom, how people are matched; never whole key sets or metadata. */
function registrationSummary (write: IdentityProviderWrite): Record<string, unknown> {
  const { document } = write
  return {
    kind: write.kind,
    ...entityOf(write.kind, write.entity),
    organisations: write.organisations,
    subject: document.subject,
    ...(document.default_organisation ? { default_organisation: document.default_organisation } : {}),
    ...(document.saml?.metadata_url ? { metadata_url: document.saml.metadata_url } : {}),
    ...(document.oidc?.jwks ? { kids: document.oidc.jwks.keys.map((k) => k.kid) } : {}),
    ...(document.oidc?.jwks_uri ? { jwks_uri: document.oidc.jwks_uri } : {}),
    ...(write.metadata ? { certificates: write.metadata.certificates.length } : {})
  }
}

/** An OIDC IdP is named by its issuer, a SAML IdP by its entityID. */
function entityOf (kind: 'saml' | 'oidc', entity: string): Record<string, string> {
  return kind === 'oidc' ? { issuer: entity } : { entity_id: entity }
}

type Row = { id: string, kind: 'saml' | 'oidc', entity: string, organisations: string[], document: unknown, metadata: unknown, shortcut_of: string | null, shortcut_document: unknown, created_at: Date, updated_at: Date }

function toStored (row: Row): StoredIdentityProvider {
  const metadata = row.metadata === null ? undefined : jsonColumn<StoredSamlMetadata>(row.metadata)
  return {
    id: row.id,
    kind: row.kind,
    entity: row.entity,
    organisations: row.organisations,
    document: jsonColumn<PlatformIdentityProviderDocument>(row.document),
    ...(metadata ? { metadata } : {}),
    ...(row.shortcut_of !== null ? { shortcut: { organisation: row.shortcut_of, document: jsonColumn<IdentityProviderDocument>(row.shortcut_document) } } : {}),
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at)
  }
}
