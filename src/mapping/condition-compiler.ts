import { normaliseDn } from '../directory/dn-normaliser.js'
import type { Condition, ConditionKey, EmploymentFact, GroupFact } from './mapping-types.js'
import { compileTitlePattern, type TitlePattern } from './title-pattern-compiler.js'
import type { UnitTree } from './unit-tree.js'

/** Person-level facts, prepared once per person: groups keyed by normalised DN. */
export interface PersonContext {
  groups: ReadonlyMap<string, GroupFact>
}

/**
 * A compiled condition, evaluated against one (person, employment) pair: employment
 * leaves read the employment, `groups` reads the person. So everything under one `all`
 * holds for the same employment, `any` and `not` combine the pair's answers, and `not`
 * means "this employment does not satisfy it" (or, for groups, "the person is not a
 * member").
 */
export interface ConditionNode {
  test: (employment: EmploymentFact, person: PersonContext) => boolean
  /** Adds the group memberships that make the node true; call only when `test` is true. */
  evidence: (employment: EmploymentFact, person: PersonContext, out: GroupFact[]) => void
  /** Rough cost rank: an `all` tries cheap children first so it can stop early. */
  cost: number
}

/**
 * Prepares a person's groups for evaluation. `wanted` (normalised DNs the mapping names)
 * keeps the map small; several paths to one group keep the shortest, the clearest to explain.
 */
export function buildPersonContext (groups: readonly GroupFact[], dns: (dn: string) => string, wanted?: ReadonlySet<string>): PersonContext {
  const byDn = new Map<string, GroupFact>()
  for (const group of groups) {
    const dn = dns(group.dn)
    if (wanted && !wanted.has(dn)) continue
    const known = byDn.get(dn)
    if (!known || (group.via?.length ?? 0) < (known.via?.length ?? 0)) byDn.set(dn, group)
  }
  return { groups: byDn }
}

const noEvidence = (): void => {}
// Title results are memoised per distinct title (titles repeat across thousands of
// people); the cap only guards against a source with unbounded distinct titles.
const TITLE_MEMO_LIMIT = 50_000

export function compileCondition (condition: Condition, units: UnitTree, dns: (dn: string) => string = normaliseDn): ConditionNode {
  const parts = (Object.entries(condition) as Array<[ConditionKey, unknown]>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => compileKey(key, value, units, dns))
  return parts.length === 1 ? parts[0] as ConditionNode : allOf(parts)
}

function compileKey (key: ConditionKey, value: unknown, units: UnitTree, dns: (dn: string) => string): ConditionNode {
  switch (key) {
    case 'all': return allOf((value as Condition[]).map((c) => compileCondition(c, units, dns)))
    case 'any': return anyOf((value as Condition[]).map((c) => compileCondition(c, units, dns)))
    case 'not': return notOf(compileCondition(value as Condition, units, dns))
    case 'groups': return groupsLeaf((value as string[]).map(dns))
    case 'position_codes': return inSet(new Set(value as string[]), (e) => e.position_code)
    case 'employment_types': return inSet(new Set(value as string[]), (e) => e.employment_type)
    case 'min_extent': return leaf(1, (e) => e.extent !== null && e.extent >= (value as number))
    case 'unit_kinds': {
      const kinds = new Set(value as string[])
      return leaf(2, (e) => kinds.has(units.kindOf(e.unit_id) ?? ''))
    }
    case 'unit_within': {
      const roots = typeof value === 'string' ? [value] : value as string[]
      return leaf(3, (e) => {
        for (const root of roots) if (units.isWithin(e.unit_id, root)) return true
        return false
      })
    }
    case 'titles': return titlesLeaf((value as string[]).map(compileTitlePattern))
  }
}

function leaf (cost: number, test: (e: EmploymentFact) => boolean): ConditionNode {
  return { test, evidence: noEvidence, cost }
}

function inSet (values: ReadonlySet<string>, read: (e: EmploymentFact) => string | null): ConditionNode {
  return leaf(1, (e) => {
    const v = read(e)
    return v !== null && values.has(v)
  })
}

function titlesLeaf (patterns: TitlePattern[]): ConditionNode {
  const memo = new Map<string, boolean>()
  return leaf(4, (e) => {
    if (e.title === null) return false
    let hit = memo.get(e.title)
    if (hit === undefined) {
      const title = e.title
      hit = patterns.some((p) => p.test(title))
      if (memo.size >= TITLE_MEMO_LIMIT) memo.clear()
      memo.set(title, hit)
    }
    return hit
  })
}

function groupsLeaf (wanted: string[]): ConditionNode {
  return {
    test: (_e, person) => {
      for (const dn of wanted) if (person.groups.has(dn)) return true
      return false
    },
    evidence: (_e, person, out) => {
      for (const dn of wanted) {
        const fact = person.groups.get(dn)
        if (fact) out.push(fact)
      }
    },
    cost: 0
  }
}

// all/any use plain loops rather than every/some: these run people × rules × employments times.
function allOf (children: ConditionNode[]): ConditionNode {
  const ordered = [...children].sort((a, b) => a.cost - b.cost)
  return {
    test: (e, p) => {
      for (const c of ordered) if (!c.test(e, p)) return false
      return true
    },
    evidence: (e, p, out) => { for (const c of ordered) c.evidence(e, p, out) },
    cost: 5
  }
}

function anyOf (children: ConditionNode[]): ConditionNode {
  const ordered = [...children].sort((a, b) => a.cost - b.cost)
  return {
    test: (e, p) => {
      for (const c of ordered) if (c.test(e, p)) return true
      return false
    },
    evidence: (e, p, out) => { for (const c of ordered) if (c.test(e, p)) c.evidence(e, p, out) },
    cost: 5
  }
}

function notOf (child: ConditionNode): ConditionNode {
  // A negated membership is not a record that "matched", so `not` contributes no evidence.
  return { test: (e, p) => !child.test(e, p), evidence: noEvidence, cost: child.cost }
}
