import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { IdentityProviderDocument } from './schemas.js'

export interface StoredIdentityProvider { organisation: string, document: IdentityProviderDocument, created_at: Date, updated_at: Date }

/** Platform-level reads and writes: the token endpoint finds an IdP by issuer before it knows the organisation. */
export function identityProviderRepository (db: Kysely<Database>) {
  const columns = ['organisation', 'document', 'created_at', 'updated_at'] as const
  return {
    /** Inserts or replaces; undefined when another organisation holds the issuer. */
    async put (organisation: string, document: IdentityProviderDocument): Promise<{ created: boolean, stored: StoredIdentityProvider } | undefined> {
      const taken = await db.selectFrom('identity_providers').select('organisation').where('issuer', '=', document.issuer).where('organisation', '<>', organisation).executeTakeFirst()
      if (taken) return undefined
      const row = await db.insertInto('identity_providers').values({ organisation, issuer: document.issuer, document: JSON.stringify(document) })
        .onConflict((oc) => oc.column('organisation').doUpdateSet({ issuer: document.issuer, document: JSON.stringify(document), updated_at: new Date() }))
        .returning([...columns, sql<boolean>`xmax = 0`.as('inserted')]).executeTakeFirstOrThrow()
      return { created: row.inserted, stored: toStored(row) }
    },
    async find (organisation: string): Promise<StoredIdentityProvider | undefined> {
      const row = await db.selectFrom('identity_providers').select([...columns]).where('organisation', '=', organisation).executeTakeFirst()
      return row && toStored(row)
    },
    async findByIssuer (issuer: string): Promise<StoredIdentityProvider | undefined> {
      const row = await db.selectFrom('identity_providers').select([...columns]).where('issuer', '=', issuer).executeTakeFirst()
      return row && toStored(row)
    },
    async delete (organisation: string): Promise<boolean> {
      return Number((await db.deleteFrom('identity_providers').where('organisation', '=', organisation).executeTakeFirst()).numDeletedRows) > 0
    }
  }
}

export type IdentityProviderRepository = ReturnType<typeof identityProviderRepository>

function toStored (row: { organisation: string, document: unknown, created_at: Date, updated_at: Date }): StoredIdentityProvider {
  return {
    organisation: row.organisation,
    document: (typeof row.document === 'string' ? JSON.parse(row.document) : row.document) as IdentityProviderDocument,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at)
  }
}
