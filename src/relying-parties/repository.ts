import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { RelyingPartyDocument } from './relying-party-document.js'

export interface StoredRelyingParty {
  clientId: string
  document: RelyingPartyDocument
  createdAt: Date
  updatedAt: Date
}

export interface RelyingPartyRepository {
  /** Inserts or replaces; true when it was new. */
  put (clientId: string, document: RelyingPartyDocument): Promise<{ created: boolean, stored: StoredRelyingParty }>
  find (clientId: string): Promise<StoredRelyingParty | undefined>
  list (after: string | undefined, limit: number): Promise<StoredRelyingParty[]>
  delete (clientId: string): Promise<boolean>
}

export function relyingPartyRepository (db: Kysely<Database>): RelyingPartyRepository {
  return {
    async put (clientId, document) {
      const row = await db.insertInto('relying_parties')
        .values({ client_id: clientId, document: JSON.stringify(document), disabled: document.disabled })
        .onConflict((oc) => oc.column('client_id').doUpdateSet({ document: JSON.stringify(document), disabled: document.disabled, updated_at: new Date() }))
        // xmax = 0 only on a freshly inserted row: tells create from replace in one statement.
        .returning(['client_id', 'document', 'created_at', 'updated_at', sql<boolean>`xmax::text <> '0'`.as('existed')])
        .executeTakeFirstOrThrow()
      return { created: !row.existed, stored: toStored(row) }
    },
    async find (clientId) {
      const row = await db.selectFrom('relying_parties').select(['client_id', 'document', 'created_at', 'updated_at']).where('client_id', '=', clientId).executeTakeFirst()
      return row ? toStored(row) : undefined
    },
    async list (after, limit) {
      let query = db.selectFrom('relying_parties').select(['client_id', 'document', 'created_at', 'updated_at']).orderBy('client_id').limit(limit)
      if (after !== undefined) query = query.where('client_id', '>', after)
      return (await query.execute()).map(toStored)
    },
    async delete (clientId) {
      const result = await db.deleteFrom('relying_parties').where('client_id', '=', clientId).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    }
  }
}

function toStored (row: { client_id: string, document: unknown, created_at: Date, updated_at: Date }): StoredRelyingParty {
  return {
    clientId: row.client_id,
    document: (typeof row.document === 'string' ? JSON.parse(row.document) : row.document) as RelyingPartyDocument,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at)
  }
}
