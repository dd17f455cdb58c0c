import type { Kysely, Transaction } from 'kysely'
import { canonicalJson } from '../crypto/canonical-json.js'
import type { Database } from '../store/database-types.js'
import type { RevokedAttribute } from './attribute-events.js'
import { assignmentGrantRepository } from './assignment-grant-repository.js'
import { withAssignments, type AssignedGrant } from './assignment-grants.js'
import type { CatalogSource } from './catalog-source.js'
import { effectiveAttributeRepository, type PersonGrants, type StoredAttribute } from './effective-attribute-repository.js'
import { compileMapping, type CompiledMapping } from './mapping-compiler.js'
import type { CatalogView, EffectiveGrant } from './mapping-types.js'
import { addDays } from './evaluation-day.js'
import type { MappingVersion } from './mapping-version-repository.js'
import { personFactsRepository } from './person-facts-repository.js'
import { buildUnitTree, type UnitTree } from './unit-tree.js'

type Db = Kysely<Database> | Transaction<Database>

/** People read, evaluated and written per batch: bounds memory however large the organisation. */
export const RECOMPUTE_BATCH = 2000

export interface CompiledVersion { version: MappingVersion, compiled: CompiledMapping, units: UnitTree, catalog: CatalogView }

/** Compiles a stored version against the organisation's current units and its catalog version, read through `trx`. */
export async function compileVersion (trx: Transaction<Database>, catalogs: CatalogSource, version: MappingVersion, units?: UnitTree): Promise<CompiledVersion> {
  const catalog = await catalogs.view(trx, version.domain, version.catalog_version)
  // Published catalog versions are never removed, so this only fails on a corrupt store.
  if (!catalog) throw new Error(`catalog ${version.domain} ${version.catalog_version} of mapping version ${version.version} is not published`)
  const tree = units ?? buildUnitTree(await personFactsRepository(trx).units(version.organisation))
  return { version, compiled: compileMapping(version.document, { mapping_version: version.version, catalog, units: tree }), units: tree, catalog }
}

export interface RecomputeResult { people: number, grants: number, written: number, revoked: RevokedAttribute[] }

/** Pages of person ids: every person of the organisation, or the given ones. */
export async function * personPages (db: Db, organisation: string, ids: readonly string[] | 'all'): AsyncGenerator<string[]> {
  const facts = personFactsRepository(db)
  if (ids === 'all') {
    let after: string | undefined
    for (;;) {
      const page = await facts.personIds(organisation, after, RECOMPUTE_BATCH)
      if (page.length === 0) return
      yield page
      after = page[page.length - 1]
    }
  }
  const unique = [...new Set(ids)]
  for (let i = 0; i < unique.length; i += RECOMPUTE_BATCH) yield unique.slice(i, i + RECOMPUTE_BATCH)
}

/**
 * Evaluates one domain's mapping version for the given people on `day` and stores their
 * attributes of that domain, in the caller's transaction. Only people whose attributes
 * differ in any way (validity, provenance, version) are rewritten. Returns what they
 * lost: an (attribute, unit) held before and not after.
 */
export async function recomputeDomain (trx: Transaction<Database>, target: CompiledVersion, ids: readonly string[] | 'all', day: string): Promise<RecomputeResult> {
  const { organisation, domain, version } = target.version
  const facts = personFactsRepository(trx)
  const attributes = effectiveAttributeRepository(trx)
  const result: RecomputeResult = { people: 0, grants: 0, written: 0, revoked: [] }
  for await (const page of personPages(trx, organisation, ids)) {
    // Ids from a change set may name people since removed: only existing ones are written.
    const people = ids === 'all' ? page : await facts.existing(organisation, page)
    const range = { contiguous: ids === 'all' }
    const before = groupByPerson(await attributes.forPeople(organisation, people, domain, range))
    const assigned = groupByPerson(await assignmentGrantRepository(trx).live(organisation, people, day, { domain, page: range }))
    const changed: PersonGrants[] = []
    for (const person of await facts.facts(organisation, people, range)) {
      const grants = withRetirements(withAssignments(target.compiled.evaluatePerson(person, day), assigned.get(person.person_id) ?? []), target.catalog, day)
      result.grants += grants.length
      const held = before.get(person.person_id) ?? []
      if (sameGrants(held, grants, version)) continue
      changed.push({ person_id: person.person_id, grants })
      const kept = new Set(grants.map((g) => scopeKey(g.attribute_id, g.unit_id)))
      for (const b of held) {
        if (!kept.has(scopeKey(b.attribute_id, b.unit_id))) result.revoked.push({ person_id: b.person_id, attribute_id: b.attribute_id, unit_id: b.unit_id })
      }
    }
    await attributes.replace(organisation, domain, version, changed)
    result.people += people.length
    result.written += changed.length
  }
  return result
}

/**
 * Grants of attributes the catalog version retires: none from the retirement day on, and
 * up to the day before until then, so issuance stops on the day even before a recompute.
 */
export function withRetirements (grants: EffectiveGrant[], catalog: CatalogView, day: string): EffectiveGrant[] {
  const out: EffectiveGrant[] = []
  for (const g of grants) {
    const retires = catalog.attribute(g.attribute_id)?.retires_on
    if (retires === undefined) {
      out.push(g)
      continue
    }
    if (retires <= day || g.valid_from >= retires) continue
    const last = addDays(retires, -1)
    out.push(g.valid_until !== null && g.valid_until <= last ? g : { ...g, valid_until: last })
  }
  return out
}

function groupByPerson<T extends StoredAttribute | AssignedGrant> (rows: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const r of rows) {
    const list = map.get(r.person_id)
    if (list) list.push(r)
    else map.set(r.person_id, [r])
  }
  return map
}

function scopeKey (attributeId: string, unitId: string | null): string {
  return `${attributeId}\u0000${unitId ?? ''}`
}

/** Whether the stored rows say exactly what the new grants say (jsonb reorders object keys, so fields are compared one by one). */
function sameGrants (held: readonly StoredAttribute[], grants: readonly EffectiveGrant[], version: number): boolean {
  if (held.length !== grants.length) return false
  const stored = new Map(held.map((h) => [scopeKey(h.attribute_id, h.unit_id), h]))
  return grants.every((g) => {
    const h = stored.get(scopeKey(g.attribute_id, g.unit_id))
    return h !== undefined && h.mapping_version === version && h.valid_from === g.valid_from && h.valid_until === g.valid_until &&
      provenanceText(h.provenance) === provenanceText(g.provenance)
  })
}

function provenanceText (provenance: EffectiveGrant['provenance']): string {
  return provenance.map((p) => 'assignment' in p
    ? [p.assignment, canonicalJson(p.granted_by), p.reason].join('|')
    : [p.mapping_version, p.rule_id, p.employment_ids.join(','), p.group_dns.join(','),
        Object.keys(p.group_via).sort().map((dn) => `${dn}:${(p.group_via[dn] ?? []).join(',')}`).join(';')].join('|')).join('\n')
}
