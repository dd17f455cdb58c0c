import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely'
import type { AuditCheckpointTable, AuditEventTable, Database } from '../store/database-types.js'
import { withTenant } from '../store/tenant-scope.js'
import { PLATFORM_CHAIN } from '../audit/audit-log.js'

export type StoredAuditEvent = Selectable<AuditEventTable>
export type StoredCheckpoint = Selectable<AuditCheckpointTable>
export interface ChainHead { chain: string, seq: number, hash: string }

export interface AuditEventFilter {
  person_id?: string
  client_id?: string
  action?: string
  /** Inclusive. */
  from?: Date
  /** Exclusive. */
  to?: Date
  /** Only events with a lower sequence number (the cursor: lists run newest first). */
  before?: number
  limit: number
}

/** The filter's conditions, newest first: the same for an organisation's chain and the platform's. */
function filtered<Q extends SelectQueryBuilder<Database, 'audit_events', StoredAuditEvent>> (query: Q, filter: AuditEventFilter): Q {
  let q = query.orderBy('seq', 'desc').limit(filter.limit) as Q
  if (filter.person_id !== undefined) q = q.where('person_id', '=', filter.person_id) as Q
  if (filter.client_id !== undefined) q = q.where('client_id', '=', filter.client_id) as Q
  if (filter.action !== undefined) q = q.where('action', '=', filter.action) as Q
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from) as Q
  if (filter.to !== undefined) q = q.where('at', '<', filter.to) as Q
  if (filter.before !== undefined) q = q.where('seq', '<', filter.before) as Q
  return q
}

export function auditRepository (db: Kysely<Database>) {
  return {
    /** An organisation's events, newest first, read as that organisation's tenant. */
    list: (organisation: string, filter: AuditEventFilter) => withTenant(db, organisation, (trx) =>
      filtered(trx.selectFrom('audit_events').selectAll().where('organisation', '=', organisation), filter).execute()),

    /** The platform chain's events (relying parties, keys, the catalog, the token endpoint), newest first. */
    listPlatform: (filter: AuditEventFilter) =>
      filtered(db.selectFrom('audit_events').selectAll().where('chain', '=', PLATFORM_CHAIN).where('organisation', 'is', null), filter).execute(),

    /** Whether the person exists in the organisation (read as its tenant). */
    personExists: (organisation: string, personId: string) => withTenant(db, organisation, async (trx) => {
      const row = await trx.selectFrom('people').select('id').where('organisation', '=', organisation).where('id', '=', personId).executeTakeFirst()
      return row !== undefined
    }),

    /** One chain's events in sequence order from `afterSeq` on, as the owner (verification reads every chain). */
    chainPage: (chain: string, afterSeq: number, limit: number) =>
      db.selectFrom('audit_events').selectAll().where('chain', '=', chain).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute(),

    /** The head audit_chains records for a chain; undefined when nothing was ever appended to it. */
    async chainHead (chain: string): Promise<ChainHead | undefined> {
      const row = await db.selectFrom('audit_chains').select(['chain', 'seq', 'head']).where('chain', '=', chain).executeTakeFirst()
      return row ? { chain: row.chain, seq: Number(row.seq), hash: row.head } : undefined
    },

    /** Every chain's head that has at least one event, sorted by chain. */
    async chainHeads (): Promise<ChainHead[]> {
      const rows = await db.selectFrom('audit_chains').select(['chain', 'seq', 'head']).where('seq', '>', 0).orderBy('chain').execute()
      return rows.map((r) => ({ chain: r.chain, seq: Number(r.seq), hash: r.head }))
    },

    /** The newest checkpoint that covers `chain`, or the newest of all without one. */
    latestCheckpoint: (chain?: string) => {
      let q = db.selectFrom('audit_checkpoints').selectAll().orderBy('id', 'desc').limit(1)
      if (chain !== undefined) q = q.where(sql<boolean>`chains @> ${JSON.stringify([{ chain }])}::jsonb`)
      return q.executeTakeFirst()
    },

    /** Checkpoints newest first, below the id `before`. */
    checkpoints: (before: number | undefined, limit: number) => {
      let q = db.selectFrom('audit_checkpoints').selectAll().orderBy('id', 'desc').limit(limit)
      if (before !== undefined) q = q.where('id', '<', before)
      return q.execute()
    },

    insertCheckpoint: (checkpoint: { chains: ChainHead[], checkpoint: string, kid: string, public_jwk: unknown }) =>
      db.insertInto('audit_checkpoints').values({
        chains: JSON.stringify(checkpoint.chains),
        checkpoint: checkpoint.checkpoint,
        kid: checkpoint.kid,
        public_jwk: JSON.stringify(checkpoint.public_jwk)
      }).returningAll().executeTakeFirstOrThrow()
  }
}

export type AuditRepository = ReturnType<typeof auditRepository>
