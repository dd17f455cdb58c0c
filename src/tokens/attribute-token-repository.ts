import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'

/** How a relying party names a person; `personal-identity-number` arrives here as its keyed lookup hash only. */
export type SubjectLookup =
  | { by: 'service_id' | 'employee_number' | 'email', value: string }
  | { by: 'pin_lookup', value: string }

export interface SubjectPerson { id: string, service_id: string, pin_sealed: string | null }

/** A carried attribute as recorded with its token: what a revocation is matched against. */
export interface CarriedAttribute { id: string, unit: string | null }

export interface IssuedTokenRecord {
  jti: string
  organisation: string
  client_id: string
  person_id: string
  attributes: CarriedAttribute[]
  status_list_id: number
  status_idx: number
  expires_at: Date
}

/** A held attribute with the catalog version of its domain's active mapping and the freshness of its sources. */
export interface HeldAttribute {
  attribute_id: string
  domain: string
  unit_id: string | null
  valid_from: string
  valid_until: string | null
  catalog_version: string
  /** When the sources whose records granted it last finished a successful run (the oldest of them); null when none has. */
  source_as_of: Date | null
  computed_at: Date
}

export interface SubjectWithAttributes extends SubjectPerson { organisation_name: string, attributes: HeldAttribute[] }

interface SubjectRow {
  id: string
  service_id: string
  pin_sealed: string | null
  organisation_name: string
  attribute_id: string | null
  domain: string
  unit_id: string | null
  valid_from: string
  valid_until: string | null
  catalog_version: string | null
  source_as_of: Date | null
  computed_at: Date
}

/**
 * The one person the lookup names, with the organisation's name and every effective
 * attribute under an active mapping: one statement, so a token costs few round trips.
 * Outside any transaction, bound to the organisation by its own `where`: issuance is a
 * platform path (a relying party, not an organisation's key). Undefined when nobody or
 * (an e-mail address several people share) more than one person matches.
 */
export async function findSubject (db: Kysely<Database>, organisation: string, lookup: SubjectLookup): Promise<SubjectWithAttributes | undefined> {
  const match = lookup.by === 'email' ? sql`lower(p.email) = ${lookup.value.toLowerCase()}` : sql`p.${sql.ref(lookup.by)} = ${lookup.value}`
  const { rows } = await sql<SubjectRow>`
    select p.id, p.service_id, p.pin_sealed, o.name as organisation_name,
           ea.attribute_id, ea.domain, ea.unit_id, ea.valid_from, ea.valid_until, ea.computed_at, mv.catalog_version,
           (select min(last.at)
              from (select e.source from employments e
                     where e.organisation = ea.organisation
                       and e.id in (select jsonb_array_elements_text(pv -> 'employment_ids') from jsonb_array_elements(ea.provenance) pv)
                    union
                    select g.source from person_groups g
                     where g.organisation = ea.organisation and g.person_id = ea.person_id
                       and g.group_dn in (select jsonb_array_elements_text(pv -> 'group_dns') from jsonb_array_elements(ea.provenance) pv)) s
              cross join lateral (select max(r.finished_at) as at from sync_runs r
                                   where r.organisation = ea.organisation and r.source = s.source and r.state = 'succeeded') last) as source_as_of
      from people p
      join organisations o on o.number = p.organisation
      left join effective_attributes ea on ea.organisation = p.organisation and ea.person_id = p.id
      left join mapping_versions mv on mv.organisation = ea.organisation and mv.domain = ea.domain and mv.status = 'active'
     where p.organisation = ${organisation} and ${match}
     order by ea.attribute_id, ea.unit_id`.execute(db)
  const first = rows[0]
  if (!first || rows.some((r) => r.id !== first.id)) return undefined
  return {
    id: first.id,
    service_id: first.service_id,
    pin_sealed: first.pin_sealed,
    organisation_name: first.organisation_name,
    attributes: rows.filter((r) => r.attribute_id !== null && r.catalog_version !== null).map((r) => ({
      attribute_id: r.attribute_id as string, domain: r.domain, unit_id: r.unit_id, valid_from: r.valid_from, valid_until: r.valid_until,
      catalog_version: r.catalog_version as string, source_as_of: r.source_as_of ? new Date(r.source_as_of) : null, computed_at: new Date(r.computed_at)
    }))
  }
}

/**
 * Issued tokens. `record` and `stillHeld` run as single statements outside any
 * transaction, so a recorded token is visible to revocation the moment `record` returns.
 */
export function issuedTokenRepository (db: Kysely<Database>) {
  return {
    async record (token: IssuedTokenRecord): Promise<void> {
      await db.insertInto('attribute_tokens').values({ ...token, attributes: JSON.stringify(token.attributes) }).execute()
    },

    /** "attribute\0unit" for each attribute the person holds now. */
    async stillHeld (organisation: string, personId: string): Promise<Set<string>> {
      const rows = await db.selectFrom('effective_attributes').select(['attribute_id', 'unit_id'])
        .where('organisation', '=', organisation).where('person_id', '=', personId).execute()
      return new Set(rows.map((r) => `${r.attribute_id}\0${r.unit_id ?? ''}`))
    }
  }
}

/** Revocation's reads and writes, in the caller's tenant-scoped transaction. */
export function revocationRepository (trx: Transaction<Database>) {
  return {
    /** Unexpired, not yet revoked tokens of these people. */
    async liveTokensOf (organisation: string, personIds: readonly string[], now: Date): Promise<IssuedTokenRecord[]> {
      if (personIds.length === 0) return []
      const rows = await trx.selectFrom('attribute_tokens')
        .select(['jti', 'organisation', 'client_id', 'person_id', 'attributes', 'status_list_id', 'status_idx', 'expires_at'])
        .where('organisation', '=', organisation).where('person_id', 'in', [...personIds])
        .where('expires_at', '>', now).where('revoked_at', 'is', null).execute()
      return rows.map((r) => ({ ...r, attributes: (typeof r.attributes === 'string' ? JSON.parse(r.attributes) : r.attributes) as CarriedAttribute[] }))
    },

    async markRevoked (organisation: string, jtis: readonly string[], at: Date): Promise<void> {
      if (jtis.length === 0) return
      await trx.updateTable('attribute_tokens').set({ revoked_at: at })
        .where('organisation', '=', organisation).where('jti', 'in', [...jtis]).where('revoked_at', 'is', null).execute()
    }
  }
}
