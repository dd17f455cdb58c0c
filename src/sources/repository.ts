import type { Kysely, Selectable } from 'kysely'
import type { Database, SourceTable } from '../store/database-types.js'
import type { SourceConfig } from './source-config.js'
import { withTenant } from '../store/tenant-scope.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'

/** Who changes a source, and what the audit log keeps of the change (source-audit.ts). */
export interface SourceAudit { actor: AuditActor, details: Record<string, unknown> }

export interface StoredSource {
  source: SourceConfig
  /** Sealed JSON of the secret members, or null. */
  sealedSecrets: string | null
  state: Record<string, unknown>
  created_at: string
  updated_at: string
}

export function sourceRepository (db: Kysely<Database>) {
  return {
    async find (organisation: string, id: string): Promise<StoredSource | undefined> {
      const row = await db.selectFrom('sources').selectAll().where('organisation', '=', organisation).where('id', '=', id).executeTakeFirst()
      return row && toStored(row)
    },

    /** The organisation's scim source, if it has one. */
    async findScim (organisation: string): Promise<StoredSource | undefined> {
      const row = await db.selectFrom('sources').selectAll().where('organisation', '=', organisation).where('kind', '=', 'scim').executeTakeFirst()
      return row && toStored(row)
    },

    async list (organisation: string): Promise<StoredSource[]> {
      return (await db.selectFrom('sources').selectAll().where('organisation', '=', organisation).orderBy('id').execute()).map(toStored)
    },

    async listScheduled (): Promise<{ organisation: string, source: SourceConfig }[]> {
      const rows = await db.selectFrom('sources').selectAll().where('schedule', 'is not', null).execute()
      return rows.map((r) => ({ organisation: r.organisation, source: toStored(r).source }))
    },

    /**
     * Inserts, recorded in the organisation's audit chain in the same tenant transaction;
     * false (and nothing recorded) when the id is taken, or when the source is a second
     * scim source of the organisation (migration 0006 allows one).
     */
    async insert (organisation: string, source: SourceConfig, sealedSecrets: string | null, audit: SourceAudit): Promise<boolean> {
      return withTenant(db, organisation, async (trx) => {
        const r = await trx.insertInto('sources').values(toRow(organisation, source, sealedSecrets))
          .onConflict((oc) => oc.doNothing()).executeTakeFirst()
        const inserted = Number(r.numInsertedOrUpdatedRows ?? 0) > 0
        if (inserted) await appendAudit(trx, [{ organisation, action: 'source.created', ...audit }])
        return inserted
      })
    },

    async update (organisation: string, source: SourceConfig, sealedSecrets: string | null, audit: SourceAudit): Promise<boolean> {
      const { organisation: _o, id: _i, ...values } = toRow(organisation, source, sealedSecrets)
      return withTenant(db, organisation, async (trx) => {
        const r = await trx.updateTable('sources').set({ ...values, updated_at: new Date() })
          .where('organisation', '=', organisation).where('id', '=', source.id).executeTakeFirst()
        const updated = Number(r.numUpdatedRows) > 0
        if (updated) await appendAudit(trx, [{ organisation, action: 'source.updated', ...audit }])
        return updated
      })
    },

    /** Deletes (its runs go with it), recorded in the audit chain in the same transaction. */
    async delete (organisation: string, id: string, actor: AuditActor): Promise<boolean> {
      return withTenant(db, organisation, async (trx) => {
        const row = await trx.deleteFrom('sources').where('organisation', '=', organisation).where('id', '=', id).returning('kind').executeTakeFirst()
        if (row) await appendAudit(trx, [{ organisation, action: 'source.deleted', actor, details: { source: id, kind: row.kind } }])
        return row !== undefined
      })
    },

    async saveState (organisation: string, id: string, state: Record<string, unknown>): Promise<void> {
      await db.updateTable('sources').set({ state: JSON.stringify(state) }).where('organisation', '=', organisation).where('id', '=', id).execute()
    }
  }
}

export type SourceRepository = ReturnType<typeof sourceRepository>

function toRow (organisation: string, s: SourceConfig, sealedSecrets: string | null) {
  return {
    organisation,
    id: s.id,
    kind: s.kind,
    schedule: s.schedule,
    safety: JSON.stringify(s.safety),
    config: JSON.stringify(s.config),
    secrets: sealedSecrets
  }
}

function toStored (row: Selectable<SourceTable>): StoredSource {
  return {
    source: {
      id: row.id,
      kind: row.kind as SourceConfig['kind'],
      schedule: row.schedule,
      safety: row.safety as SourceConfig['safety'],
      config: row.config as Record<string, unknown>
    },
    sealedSecrets: row.secrets,
    state: (row.state ?? {}) as Record<string, unknown>,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString()
  }
}
