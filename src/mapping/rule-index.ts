import type { PersonContext } from './condition-compiler.js'
import type { Condition, EmploymentFact } from './mapping-types.js'
import type { UnitTree } from './unit-tree.js'

/**
 * Which rules can possibly match a person, so evaluation tests a handful of a 200-rule
 * mapping's rules instead of all of them. A rule is filed under one condition it cannot
 * match without — a position code, a group or a unit subtree from its top-level
 * conjunction (`all` and sibling keys; never inside `any` or `not`) — and found through
 * the person's employments' codes, the units above them, and the person's groups.
 * Rules with no such condition are always candidates. The index only narrows: every
 * candidate is still tested in full.
 */
export interface RuleIndex {
  /** Indices of the candidate rules, ascending (mapping order). */
  candidates: (active: readonly EmploymentFact[], person: PersonContext) => number[]
}

interface Required { codes?: string[], groups?: string[], units?: string[] }

export function buildRuleIndex (conditions: readonly Condition[], units: UnitTree, dns: (dn: string) => string): RuleIndex {
  const byCode = new Map<string, number[]>()
  const byGroup = new Map<string, number[]>()
  const byUnit = new Map<string, number[]>()
  const always: number[] = []
  const file = (map: Map<string, number[]>, keys: string[], rule: number): void => {
    for (const key of new Set(keys)) map.set(key, [...(map.get(key) ?? []), rule])
  }
  conditions.forEach((condition, rule) => {
    const required = requiredLeaves(condition)
    // Codes and groups are the most selective in practice; a subtree may hold thousands.
    if (required.codes) file(byCode, required.codes, rule)
    else if (required.groups) file(byGroup, required.groups.map(dns), rule)
    else if (required.units) file(byUnit, required.units, rule)
    else always.push(rule)
  })
  return {
    candidates (active, person) {
      const found = new Set<number>(always)
      const add = (list: number[] | undefined): void => { if (list) for (const r of list) found.add(r) }
      for (const e of active) {
        if (e.position_code !== null) add(byCode.get(e.position_code))
        if (byUnit.size > 0) for (const u of units.ancestors(e.unit_id)) add(byUnit.get(u))
      }
      if (byGroup.size > 0) for (const dn of person.groups.keys()) add(byGroup.get(dn))
      return [...found].sort((a, b) => a - b)
    }
  }
}

/** The leaves every match needs: the top-level conjunction's codes, groups and subtrees (one of each kind suffices). */
function requiredLeaves (condition: Condition, into: Required = {}): Required {
  if (condition.position_codes) into.codes ??= condition.position_codes
  if (condition.groups) into.groups ??= condition.groups
  if (condition.unit_within !== undefined) into.units ??= typeof condition.unit_within === 'string' ? [condition.unit_within] : condition.unit_within
  for (const child of condition.all ?? []) requiredLeaves(child, into)
  return into
}
