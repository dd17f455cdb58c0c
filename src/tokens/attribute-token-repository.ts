import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { storedRelyingParty, type StoredRelyingParty } from '../relying-parties/repository.js'
import { jsonColumn } from '../store/json-column.js'
import { approvedAttributesOf, type Approval } from './release-policy.js'

/** How a relying party names a person; `personal-identity-number` arrives here as its keyed lookup hash only. */
export type SubjectLookup =
  | { by: 'service_id' | 'employee_number' | 'email' | 'hsa_id', value: string }
  | { by: 'pin_lookup', value: string }
  /** A directory account's user name (an IdP's eduPersonPrincipalName), compared case-insensitively; never a relying party's own choice. */
  | { by: 'username', value: string }

export interface SubjectPerson { id: string, service_id: string, pin_sealed: string | null }

/** A carried attribute as recorded with its token: what a revocation is matched against. */
export interface CarriedAttribute { id: string, unit: string | null }

export interface IssuedTokenRecord {
  jti: string
  organisation: string
  client_id: string
  person_id: string
  attributes: CarriedAttribute[]
  /** The purpose the request stated; null or absent when none. */
  purpose?: string | null
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
  /** The unit it is held at, as the HR source names it (null for organisation-wide ones and units no source defines). */
  unit_name: string | null
  unit_hsa_id: string | null
  /** The unit's skolenhetskod, 8 digits. */
  unit_school_unit_code: string | null
}

export interface SubjectWithAttributes extends SubjectPerson { organisation_name: string, attributes: HeldAttribute[] }

interface SubjectRow {
  rp_client_id: string | null
  rp_document: unknown
  rp_disabled: boolean | null
  rp_created_at: Date | null
  rp_updated_at: Date | null
  rp_generation: string | null
  person_id: string | null
  service_id: string | null
  pin_sealed: string | null
  organisation_name: string | null
  attribute_id: string | null
  domain: string | null
  unit_id: string | null
  valid_from: string | null
  valid_until: string | null
  catalog_version: string | null
  source_as_of: Date | null
  computed_at: Date | null
  unit_name: string | null
  unit_hsa_id: string | null
  unit_school_unit_code: string | null
  ap_attributes: unknown
  ap_purposes: unknown
  ap_valid_until: string | null
}

/** What one issuance reads: the relying party as stored now (undefined when unknown or disabled) and the subject. */
export interface TokenSubject {
  party: StoredRelyingParty | undefined
  /** Undefined when nobody or (an e-mail address several people share) more than one person matches. */
  subject: SubjectWithAttributes | undefined
  /** The organisation's approval of the party; without one the subject is not read. */
  approval: Approval | undefined
}

export interface TokenSubjectReader {
  /**
   * The relying party as stored now, and the one person the lookup names with the
   * organisation's name and every effective attribute under an active mapping
   * (behorig_token_subject, migrations 0011, 0012, 0015, 0016, 0019 and 0020, whose plans each connection keeps) with the organisation's approval of the party. Outside any
   * transaction, bound to the organisation by the function's own `where`: issuance is a
   * platform path (a relying party, not an organisation's key). The subject is not read
   * for a disabled or unapproved party.
   */
  find (clientId: string, organisation: string, lookup: SubjectLookup): Promise<TokenSubject>
}

interface Lookup { clientId: string, organisation: string, lookup: SubjectLookup, resolve: (found: TokenSubject) => void, reject: (error: unknown) => void }

/**
 * Reads for every attribute token, so lookups asked for in the same turn of the event loop
 * share one statement: under load that is one round trip for many tokens, and alone it
 * costs a tick.
 */
export function tokenSubjectReader (db: Kysely<Database>, options: { maxBatch?: number } = {}): TokenSubjectReader {
  const maxBatch = options.maxBatch ?? 256
  let queued: Lookup[] = []

  async function read (batch: Lookup[]): Promise<void> {
    let rows: Array<SubjectRow & { i: number }>
    try {
      rows = (await sql<SubjectRow & { i: number }>`
        select b.i, s.*
          from unnest(${batch.map((_, i) => i)}::int[], ${batch.map((l) => l.clientId)}::text[], ${batch.map((l) => l.organisation)}::text[],
                      ${batch.map((l) => l.lookup.by)}::text[], ${batch.map((l) => l.lookup.value)}::text[]) as b(i, client_id, organisation, by, value)
          cross join lateral behorig_token_subject(b.client_id, b.organisation, b.by, b.value) s
         order by b.i`.execute(db)).rows
    } catch (error) {
      for (const l of batch) l.reject(error)
      return
    }
    const byLookup = batch.map((): SubjectRow[] => [])
    for (const row of rows) byLookup[row.i]?.push(row)
    batch.forEach((l, i) => { l.resolve(tokenSubjectOf(byLookup[i] ?? [])) })
  }

  function flush (): void {
    const batch = queued
    queued = []
    for (let i = 0; i < batch.length; i += maxBatch) void read(batch.slice(i, i + maxBatch))
  }

  return {
    find (clientId, organisation, lookup) {
      return new Promise((resolve, reject) => {
        if (queued.length === 0) setImmediate(flush)
        queued.push({ clientId, organisation, lookup, resolve, reject })
      })
    }
  }
}

/** One lookup's rows: none for an unknown party, one without a person when nobody matched, else one per attribute. */
function tokenSubjectOf (rows: readonly SubjectRow[]): TokenSubject {
  const first = rows[0]
  if (!first?.rp_client_id || first.rp_disabled !== false) return { party: undefined, subject: undefined, approval: undefined }
  const party = storedRelyingParty({ client_id: first.rp_client_id, document: first.rp_document, generation: first.rp_generation as string, created_at: first.rp_created_at as Date, updated_at: first.rp_updated_at as Date })
  const approval: Approval | undefined = first.ap_attributes === null || first.ap_attributes === undefined
    ? undefined
    : { attributes: approvedAttributesOf(first.ap_attributes), purposes: jsonColumn<string[]>(first.ap_purposes), valid_until: first.ap_valid_until }
  if (first.person_id === null) return { party, subject: undefined, approval }
  return {
    party,
    approval,
    subject: {
      id: first.person_id,
      service_id: first.service_id as string,
      pin_sealed: first.pin_sealed,
      organisation_name: first.organisation_name as string,
      attributes: rows.filter((r) => r.attribute_id !== null && r.catalog_version !== null).map((r) => ({
        attribute_id: r.attribute_id as string,
        domain: r.domain as string,
        unit_id: r.unit_id,
        valid_from: r.valid_from as string,
        valid_until: r.valid_until,
        catalog_version: r.catalog_version as string,
        source_as_of: r.source_as_of ? new Date(r.source_as_of) : null,
        computed_at: new Date(r.computed_at as Date),
        unit_name: r.unit_name,
        unit_hsa_id: r.unit_hsa_id,
        unit_school_unit_code: r.unit_school_unit_code
      }))
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
        .select(['jti', 'organisation', 'client_id', 'person_id', 'attributes', 'purpose', 'status_list_id', 'status_idx', 'expires_at'])
        .where('organisation', '=', organisation).where('person_id', 'in', [...personIds])
        .where('expires_at', '>', now).where('revoked_at', 'is', null).execute()
      return rows.map((r) => ({ ...r, attributes: jsonColumn<CarriedAttribute[]>(r.attributes) }))
    },

    /** Unexpired, not yet revoked tokens the relying party holds about the organisation's people. */
    async liveTokensOfParty (organisation: string, clientId: string, now: Date): Promise<IssuedTokenRecord[]> {
      const rows = await trx.selectFrom('attribute_tokens')
        .select(['jti', 'organisation', 'client_id', 'person_id', 'attributes', 'purpose', 'status_list_id', 'status_idx', 'expires_at'])
        .where('organisation', '=', organisation).where('client_id', '=', clientId)
        .where('expires_at', '>', now).where('revoked_at', 'is', null).execute()
      return rows.map((r) => ({ ...r, attributes: jsonColumn<CarriedAttribute[]>(r.attributes) }))
    },

    async markRevoked (organisation: string, jtis: readonly string[], at: Date): Promise<void> {
      if (jtis.length === 0) return
      await trx.updateTable('attribute_tokens').set({ revoked_at: at })
        .where('organisation', '=', organisation).where('jti', 'in', [...jtis]).where('revoked_at', 'is', null).execute()
    }
  }
}
