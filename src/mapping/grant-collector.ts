import type { RuleGrant, EmploymentFact, RuleProvenance, RuleMatch } from './mapping-types.js'

interface Entry {
  attribute_id: string
  unit_id: string | null
  valid_from: string
  open: boolean
  latest_end: string
  provenance: Map<string, RuleProvenance>
}

/**
 * Merges one person's rule matches into grants, one per (attribute_id, unit_id).
 * Validity is the union of the justifying employments' periods: from the earliest start
 * to the latest end (open if any is open). Every one of those employments is active on
 * the evaluation day, so their periods overlap and the union has no gaps: min/max is exact.
 */
export class GrantCollector {
  private readonly entries = new Map<string, Entry>()

  private readonly mappingVersion: number
  constructor (mappingVersion: number) { this.mappingVersion = mappingVersion }

  add (attributeId: string, unitScoped: boolean, match: RuleMatch): void {
    if (!unitScoped) {
      this.addFor(attributeId, null, match, match.employments)
      return
    }
    const byUnit = new Map<string, EmploymentFact[]>()
    for (const e of match.employments) byUnit.set(e.unit_id, [...(byUnit.get(e.unit_id) ?? []), e])
    for (const [unitId, employments] of byUnit) this.addFor(attributeId, unitId, match, employments)
  }

  grants (): RuleGrant[] {
    return [...this.entries.values()]
      .sort((a, b) => compare(a.attribute_id, b.attribute_id) || compare(a.unit_id ?? '', b.unit_id ?? ''))
      .map((e) => ({
        attribute_id: e.attribute_id,
        unit_id: e.unit_id,
        valid_from: e.valid_from,
        valid_until: e.open ? null : e.latest_end,
        provenance: [...e.provenance.values()]
      }))
  }

  private addFor (attributeId: string, unitId: string | null, match: RuleMatch, employments: EmploymentFact[]): void {
    const key = `${attributeId}\u0000${unitId ?? ''}`
    let entry = this.entries.get(key)
    if (!entry) {
      entry = { attribute_id: attributeId, unit_id: unitId, valid_from: '9999-12-31', open: false, latest_end: '0000-01-01', provenance: new Map() }
      this.entries.set(key, entry)
    }
    let provenance = entry.provenance.get(match.rule.id)
    if (!provenance) {
      provenance = { mapping_version: this.mappingVersion, rule_id: match.rule.id, employment_ids: [], group_dns: [], group_via: {} }
      entry.provenance.set(match.rule.id, provenance)
    }
    for (const e of employments) {
      if (e.start_date < entry.valid_from) entry.valid_from = e.start_date
      if (e.end_date === null) entry.open = true
      else if (e.end_date > entry.latest_end) entry.latest_end = e.end_date
      if (!provenance.employment_ids.includes(e.employment_id)) provenance.employment_ids.push(e.employment_id)
      for (const group of match.groups.get(e.employment_id) ?? []) {
        if (provenance.group_dns.includes(group.dn)) continue
        provenance.group_dns.push(group.dn)
        if (group.via && group.via.length > 0) provenance.group_via[group.dn] = group.via
      }
    }
  }
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
