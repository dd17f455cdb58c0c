import type { EffectiveGrant } from './mapping-types.js'

export interface AttributeChange {
  /** People holding the attribute before and after. */
  before: number
  after: number
  gained_count: number
  lost_count: number
  /** People who hold it both before and after, but for a different set of units. */
  rescoped_count: number
  /** Person ids, at most `list_limit` of each. */
  gained: string[]
  lost: string[]
  rescoped: string[]
}

export interface MappingPreview {
  people: number
  attributes: Record<string, AttributeChange>
  /** Per rule of the new mapping: how many people it matched. */
  rule_matches: Record<string, number>
  /** Rules of the new mapping that matched nobody, in mapping order. */
  rules_matching_nobody: string[]
}

export interface PreviewOptions {
  /** Cap on each person-id list (counts stay exact); default: no cap. */
  list_limit?: number
}

/**
 * Accumulates a preview person by person, so the caller can stream people from the store
 * instead of holding every grant set in memory. `before` is what the person holds now
 * (under the active mapping), `after` what the new mapping would grant; the new
 * mapping's rule matches are read from `after`'s provenance.
 */
export class PreviewAccumulator {
  private people = 0
  private readonly changes = new Map<string, AttributeChange>()
  private readonly ruleMatches = new Map<string, number>()
  private readonly limit: number

  private readonly ruleIds: readonly string[]
  constructor (ruleIds: readonly string[], options: PreviewOptions = {}) {
    this.ruleIds = ruleIds
    this.limit = options.list_limit ?? Infinity
    for (const id of ruleIds) this.ruleMatches.set(id, 0)
  }

  add (personId: string, before: readonly EffectiveGrant[], after: readonly EffectiveGrant[]): void {
    this.people++
    const was = unitsByAttribute(before)
    const is = unitsByAttribute(after)
    for (const id of new Set([...was.keys(), ...is.keys()])) {
      const change = this.change(id)
      const old = was.get(id)
      const now = is.get(id)
      if (old) change.before++
      if (now) change.after++
      if (!old) this.note(change, 'gained', personId)
      else if (!now) this.note(change, 'lost', personId)
      else if (!sameSet(old, now)) this.note(change, 'rescoped', personId)
    }
    const matched = new Set(after.flatMap((g) => g.provenance.flatMap((p) => 'rule_id' in p ? [p.rule_id] : [])))
    for (const ruleId of matched) this.ruleMatches.set(ruleId, (this.ruleMatches.get(ruleId) ?? 0) + 1)
  }

  result (): MappingPreview {
    const attributes: Record<string, AttributeChange> = {}
    for (const id of [...this.changes.keys()].sort()) attributes[id] = this.changes.get(id) as AttributeChange
    return {
      people: this.people,
      attributes,
      rule_matches: Object.fromEntries(this.ruleMatches),
      rules_matching_nobody: this.ruleIds.filter((id) => this.ruleMatches.get(id) === 0)
    }
  }

  private change (attributeId: string): AttributeChange {
    let change = this.changes.get(attributeId)
    if (!change) {
      change = { before: 0, after: 0, gained_count: 0, lost_count: 0, rescoped_count: 0, gained: [], lost: [], rescoped: [] }
      this.changes.set(attributeId, change)
    }
    return change
  }

  private note (change: AttributeChange, kind: 'gained' | 'lost' | 'rescoped', personId: string): void {
    change[`${kind}_count`]++
    if (change[kind].length < this.limit) change[kind].push(personId)
  }
}

/** The preview for people given all at once; see PreviewAccumulator. */
export function diffGrantSets (people: Iterable<{ person_id: string, before: readonly EffectiveGrant[], after: readonly EffectiveGrant[] }>, ruleIds: readonly string[], options: PreviewOptions = {}): MappingPreview {
  const accumulator = new PreviewAccumulator(ruleIds, options)
  for (const p of people) accumulator.add(p.person_id, p.before, p.after)
  return accumulator.result()
}

function unitsByAttribute (grants: readonly EffectiveGrant[]): Map<string, Set<string | null>> {
  const map = new Map<string, Set<string | null>>()
  for (const g of grants) {
    const units = map.get(g.attribute_id) ?? new Set<string | null>()
    units.add(g.unit_id)
    map.set(g.attribute_id, units)
  }
  return map
}

function sameSet<T> (a: Set<T>, b: Set<T>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x))
}
