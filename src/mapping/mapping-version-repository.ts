import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { Database, MappingVersionTable } from '../store/database-types.js'
import type { MappingDocument, MappingWarning } from './mapping-types.js'
import { jsonColumn } from '../store/json-column.js'

type Db = Kysely<Database> | Transaction<Database>

export const MAPPING_STATUSES = ['draft', 'active', 'superseded'] as const
export type MappingStatus = typeof MAPPING_STATUSES[number]

export interface MappingVersion {
  organisation: string
  version: number
  domain: string
  catalog_version: string
  status: MappingStatus
  document: MappingDocument
  source_text: string
  source_format: 'yaml' | 'json'
  warnings: MappingWarning[]
  created_by: string | null
  created_at: string
  published_by: string | null
  published_at: string | null
  superseded_at: string | null
}

export interface NewMappingVersion {
  organisation: string
  document: MappingDocument
  source_text: string
  source_format: 'yaml' | 'json'
  warnings: MappingWarning[]
  created_by: string | null
}

/** Mapping versions. Runs in the caller's transaction (tenant-scoped for API reads). */
export function mappingVersionRepository (db: Db) {
  return {
    /** Serialises mapping writes and attribute recomputes of one organisation, until the transaction ends. */
    async lockOrganisation (organisation: string): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtext(${'mappings:' + organisation}))`.execute(db)
    },

    /** Stores a draft under the organisation's next version number. Call under `lockOrganisation`. */
    async insertDraft (input: NewMappingVersion): Promise<MappingVersion> {
      const next = await db.selectFrom('mapping_versions').select((eb) => eb.fn.coalesce(eb.fn.max('version'), sql<number>`0`).as('n'))
        .where('organisation', '=', input.organisation).executeTakeFirstOrThrow()
      const row = await db.insertInto('mapping_versions').values({
        organisation: input.organisation,
        version: Number(next.n) + 1,
        domain: input.document.domain,
        catalog_version: input.document.catalog_version,
        document: JSON.stringify(input.document),
        source_text: input.source_text,
        source_format: input.source_format,
        warnings: JSON.stringify(input.warnings),
        created_by: input.created_by
      }).returningAll().executeTakeFirstOrThrow()
      return toVersion(row)
    },

    async find (organisation: string, version: number, options: { forUpdate?: boolean } = {}): Promise<MappingVersion | undefined> {
      let q = db.selectFrom('mapping_versions').selectAll().where('organisation', '=', organisation).where('version', '=', version)
      if (options.forUpdate) q = q.forUpdate()
      const row = await q.executeTakeFirst()
      return row ? toVersion(row) : undefined
    },

    /** Newest first. */
    async list (organisation: string, options: { before?: number, limit: number, status?: MappingStatus }): Promise<MappingVersion[]> {
      let q = db.selectFrom('mapping_versions').selectAll().where('organisation', '=', organisation).orderBy('version', 'desc').limit(options.limit)
      if (options.before !== undefined) q = q.where('version', '<', options.before)
      if (options.status) q = q.where('status', '=', options.status)
      return (await q.execute()).map(toVersion)
    },

    /** The active version of every domain of the organisation. */
    async active (organisation: string, domain?: string): Promise<MappingVersion[]> {
      let q = db.selectFrom('mapping_versions').selectAll().where('organisation', '=', organisation).where('status', '=', 'active')
      if (domain) q = q.where('domain', '=', domain)
      return (await q.orderBy('domain').execute()).map(toVersion)
    },

    /** Makes `version` active and the domain's active one superseded; returns the superseded version number. */
    async activate (organisation: string, version: MappingVersion, publishedBy: string | null): Promise<number | null> {
      const old = await db.updateTable('mapping_versions').set({ status: 'superseded', superseded_at: new Date() })
        .where('organisation', '=', organisation).where('domain', '=', version.domain).where('status', '=', 'active')
        .returning('version').executeTakeFirst()
      await db.updateTable('mapping_versions').set({ status: 'active', published_by: publishedBy, published_at: new Date() })
        .where('organisation', '=', organisation).where('version', '=', version.version).execute()
      return old?.version ?? null
    }
  }
}

function toVersion (row: Selectable<MappingVersionTable>): MappingVersion {
  const iso = (d: Date | string | null): string | null => d === null ? null : new Date(d).toISOString()
  return {
    organisation: row.organisation,
    version: row.version,
    domain: row.domain,
    catalog_version: row.catalog_version,
    status: row.status as MappingStatus,
    document: jsonColumn<MappingDocument>(row.document),
    source_text: row.source_text,
    source_format: row.source_format as 'yaml' | 'json',
    warnings: jsonColumn<MappingWarning[]>(row.warnings),
    created_by: row.created_by,
    created_at: iso(row.created_at) as string,
    published_by: row.published_by,
    published_at: iso(row.published_at),
    superseded_at: iso(row.superseded_at)
  }
}
