import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { EffectiveGrant, GrantProvenance } from './mapping-types.js'
import { personFilter, type PersonPage } from './person-facts-repository.js'
import { jsonColumn } from '../store/json-column.js'

type Db = Kysely<Database> | Transaction<Database>

/** A stored effective attribute: the grant plus what it belongs to. */
export interface StoredAttribute extends EffectiveGrant {
  person_id: string
  domain: string
  mapping_version: number
  computed_at: string
}

/** One person's new grants under one domain's mapping version. */
export interface PersonGrants { person_id: string, grants: readonly EffectiveGrant[] }

/** Materialised effective attributes. Writes run in the caller's transaction. */
export function effectiveAttributeRepository (db: Db) {
  return {
    /** People holding an attribute whose last day (valid_until) lies in [since, today): it is over by today. */
    async endedBetween (organisation: string, since: string, today: string): Promise<string[]> {
      const rows = await db.selectFrom('effective_attributes').select('person_id').distinct()
        .where('organisation', '=', organisation).where('valid_until', '>=', since).where('valid_until', '<', today).execute()
      return rows.map((r) => r.person_id)
    },

    async forPeople (organisation: string, ids: readonly string[], domain?: string, page: PersonPage = {}): Promise<StoredAttribute[]> {
      if (ids.length === 0) return []
      let q = db.selectFrom('effective_attributes').selectAll().where('organisation', '=', organisation).where((eb) => personFilter(eb, ids, page))
      if (domain) q = q.where('domain', '=', domain)
      const rows = await q.orderBy('person_id').orderBy('attribute_id').orderBy('unit_id').execute()
      return rows.map((r) => ({
        person_id: r.person_id,
        domain: r.domain,
        attribute_id: r.attribute_id,
        unit_id: r.unit_id,
        valid_from: r.valid_from,
        valid_until: r.valid_until,
        mapping_version: r.mapping_version,
        provenance: jsonColumn<GrantProvenance[]>(r.provenance),
        computed_at: new Date(r.computed_at).toISOString()
      }))
    },

    /**
     * Replaces the given people's attributes of `domain` with `people`' grants. One JSON
     * parameter per batch: the row count never meets the bind-parameter limit.
     */
    async replace (organisation: string, domain: string, mappingVersion: number, people: readonly PersonGrants[]): Promise<void> {
      // Only the people whose attributes changed: a list, however contiguous the page was.
      if (people.length === 0) return
      await db.deleteFrom('effective_attributes').where('organisation', '=', organisation).where('domain', '=', domain)
        .where('person_id', 'in', people.map((p) => p.person_id)).execute()
      const rows = people.flatMap((p) => p.grants.map((g) => ({
        person_id: p.person_id, attribute_id: g.attribute_id, unit_id: g.unit_id, valid_from: g.valid_from, valid_until: g.valid_until, provenance: g.provenance
      })))
      for (let i = 0; i < rows.length; i += 5000) {
        const batch = JSON.stringify(rows.slice(i, i + 5000))
        await sql`
          insert into effective_attributes (organisation, person_id, domain, attribute_id, unit_id, valid_from, valid_until, mapping_version, provenance)
          select ${organisation}, r.person_id, ${domain}, r.attribute_id, r.unit_id, r.valid_from, r.valid_until, ${mappingVersion}, r.provenance
          from jsonb_to_recordset(${batch}::jsonb) as r(person_id text, attribute_id text, unit_id text, valid_from date, valid_until date, provenance jsonb)`.execute(db)
      }
    }
  }
}
