import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { RelyingPartyDocument } from './relying-party-document.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'
import { jsonColumn } from '../store/json-column.js'

export interface StoredRelyingParty {
  clientId: string
  document: RelyingPartyDocument
  /**
   * This registration and key set: new when the client_id is registered (again), and when
   * its jwks or jwks_uri changes or it is disabled. Access tokens carry it and die with it.
   */
  generation: string
  createdAt: Date
  updatedAt: Date
}

export interface RelyingPartyRepository {
  /** Inserts or replaces, recorded in the platform audit chain in the same transaction; `created` when it was new. */
  put (clientId: string, document: RelyingPartyDocument, actor: AuditActor): Promise<{ created: boolean, stored: StoredRelyingParty }>
  find (clientId: string): Promise<StoredRelyingParty | undefined>
  list (after: string | undefined, limit: number): Promise<StoredRelyingParty[]>
  /** Deletes, recorded in the platform audit chain in the same transaction; false when there was none. */
  delete (clientId: string, actor: AuditActor): Promise<boolean>
}

const COLUMNS = ['client_id', 'document', 'generation', 'created_at', 'updated_at'] as const

/**
 * A replacement keeps the generation unless it changes what access tokens were issued
 * under: the key set (jwks or jwks_uri; jsonb equality ignores member order), or the party
 * being disabled, so that enabling it again does not revive tokens from before. A new
 * name, release policy or token lifetime leaves live access tokens working: they are
 * read afresh at every attribute-token request anyway.
 */
const nextGeneration = sql<string>`case
  when relying_parties.document -> 'jwks' is distinct from excluded.document -> 'jwks'
    or relying_parties.document -> 'jwks_uri' is distinct from excluded.document -> 'jwks_uri'
    or (excluded.disabled and not relying_parties.disabled)
  then gen_random_uuid() else relying_parties.generation end`

export function relyingPartyRepository (db: Kysely<Database>): RelyingPartyRepository {
  return {
    async put (clientId, document, actor) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('relying_parties')
          .values({ client_id: clientId, document: JSON.stringify(document), disabled: document.disabled })
          .onConflict((oc) => oc.column('client_id').doUpdateSet({ document: JSON.stringify(document), disabled: document.disabled, updated_at: new Date(), generation: nextGeneration }))
          // xmax = 0 only on a freshly inserted row: tells create from replace in one statement.
          .returning([...COLUMNS, sql<boolean>`xmax::text <> '0'`.as('existed')])
          .executeTakeFirstOrThrow()
        await appendAudit(trx, [{ organisation: null, client_id: clientId, action: row.existed ? 'relying-party.updated' : 'relying-party.created', actor, details: policySummary(document) }])
        return { created: !row.existed, stored: storedRelyingParty(row) }
      })
    },
    async find (clientId) {
      const row = await db.selectFrom('relying_parties').select(COLUMNS).where('client_id', '=', clientId).executeTakeFirst()
      return row ? storedRelyingParty(row) : undefined
    },
    async list (after, limit) {
      let query = db.selectFrom('relying_parties').select(COLUMNS).orderBy('client_id').limit(limit)
      if (after !== undefined) query = query.where('client_id', '>', after)
      return (await query.execute()).map(storedRelyingParty)
    },
    async delete (clientId, actor) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.deleteFrom('relying_parties').where('client_id', '=', clientId).returning('client_id').executeTakeFirst()
        if (row) await appendAudit(trx, [{ organisation: null, client_id: clientId, action: 'relying-party.deleted', actor, details: {} }])
        return row !== undefined
      })
    }
  }
}

/** What the audit log keeps of a registration: the release policy, and keys by kid only (JWKS are public, but need not be copied). */
function policySummary (document: RelyingPartyDocument): Record<string, unknown> {
  return {
    name: document.name,
    organisation: document.organisation,
    ...(document.jwks ? { kids: document.jwks.keys.map((k) => k.kid) } : {}),
    ...(document.jwks_uri ? { jwks_uri: document.jwks_uri } : {}),
    release: document.release,
    token_lifetime: document.token_lifetime,
    disabled: document.disabled,
    claims_profile: document.claims_profile,
    ...(document.purposes ? { purposes: document.purposes.map((p) => p.id) } : {})
  }
}

/** A stored row as the rest of the code sees it. */
export function storedRelyingParty (row: { client_id: string, document: unknown, generation: string, created_at: Date, updated_at: Date }): StoredRelyingParty {
  return {
    clientId: row.client_id,
    document: jsonColumn<RelyingPartyDocument>(row.document),
    generation: row.generation,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at)
  }
}
