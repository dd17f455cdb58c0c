import type { Kysely, Selectable } from 'kysely'
import type { Database, SourceTable } from '../store/database-types.js'
import type { SourceConfig } from './source-config.js'

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
     * Inserts; false when the id is taken, or when the source is a second scim source of the
     * organisation (migration 0006 allows one).
     */
    async insert (organisation: string, source: SourceConfig, sealedSecrets: string | null): Promise<boolean> {
      const r = await db.insertInto('sources').values(toRow(organisation, source, sealedSecrets))
        .onConflict((oc) => oc.doNothing()).executeTakeFirst()
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
    },

    async update (organisation: string, source: SourceConfig, sealedSecrets: string | null): Promise<boolean> {
      const { organisation: _o, id: _i, ...values } = toRow(organisation, source, sealedSecrets)
      const r = await db.updateTable('sources').set({ ...values, updated_at: new Date() })
        .where('organisation', '=', organisation).where('id', '=', source.id).executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    async delete (organisation: string, id: string): Promise<boolean> {
      const r = await db.deleteFrom('sources').where('organisation', '=', organisation).where('id', '=', id).executeTakeFirst()
      return Number(r.numDeletedRows) > 0
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
