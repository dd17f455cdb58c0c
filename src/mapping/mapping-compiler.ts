import { buildPersonContext, compileCondition, type ConditionNode } from './condition-compiler.js'
import { listedValues } from './condition-walker.js'
import { normaliseDn } from '../directory/dn-normaliser.js'
import { GrantCollector } from './grant-collector.js'
import { buildRuleIndex } from './rule-index.js'
import type { CatalogView, RuleGrant, EmploymentFact, GroupFact, MappingDocument, MappingRule, PersonFacts, RuleMatch } from './mapping-types.js'
import type { UnitTree } from './unit-tree.js'

export interface CompileOptions {
  /** The mapping version provenance cites. */
  mapping_version: number
  /** The catalog version the mapping targets; only each attribute's `scope` is read. */
  catalog: CatalogView
  units: UnitTree
}

export interface CompiledMapping {
  readonly mapping_version: number
  readonly rules: readonly MappingRule[]
  /** The person's effective grants on `day` (YYYY-MM-DD), one per (attribute_id, unit_id). */
  evaluatePerson: (facts: PersonFacts, day: string) => RuleGrant[]
  /** The rules that match the person on `day`, with what matched (for explanations). */
  matchRules: (facts: PersonFacts, day: string) => RuleMatch[]
}

interface CompiledRule { rule: MappingRule, node: ConditionNode, unitScoped: boolean[] }

/**
 * Compiles a validated mapping once per recompute run; evaluation then does no parsing,
 * no regex compilation and no list scans. Semantics:
 * - only employments active on the day count (start_date ≤ day, end_date empty or ≥ day);
 * - a rule matches a person when at least one active employment satisfies its condition
 *   (see ConditionNode for how `all`, `any`, `not` and `groups` read a person-employment
 *   pair). A rule with only `groups` conditions therefore still needs an active
 *   employment: the service describes current staff, and the employment dates give the
 *   grant its validity;
 * - only rules the person could match are tested (see RuleIndex);
 * - an attribute the catalog scopes to units is granted once per unit of the matching
 *   employments; any other attribute organisation-wide (unit_id null).
 */
export function compileMapping (mapping: MappingDocument, options: CompileOptions): CompiledMapping {
  const dns = memoisedDnNormaliser()
  const wantedDns = new Set<string>()
  const compiled: CompiledRule[] = mapping.rules.map((rule) => {
    for (const { value } of listedValues(rule.when, '', 'groups')) wantedDns.add(dns(value))
    return {
      rule,
      node: compileCondition(rule.when, options.units, dns),
      unitScoped: rule.grant.map((id) => options.catalog.attribute(id)?.scope === 'unit')
    }
  })

  const index = buildRuleIndex(mapping.rules.map((r) => r.when), options.units, dns)

  function * matches (facts: PersonFacts, day: string): Generator<[CompiledRule, RuleMatch]> {
    const active = activeEmployments(facts, day)
    if (active.length === 0) return
    const person = buildPersonContext(facts.groups, dns, wantedDns)
    for (const i of index.candidates(active, person)) {
      const c = compiled[i] as CompiledRule
      // A plain loop: this runs people × rules times, and most rules match nobody.
      let employments: EmploymentFact[] | undefined
      for (const e of active) if (c.node.test(e, person)) (employments ??= []).push(e)
      if (!employments) continue
      const groups = new Map<string, GroupFact[]>()
      for (const e of employments) {
        const out: GroupFact[] = []
        c.node.evidence(e, person, out)
        groups.set(e.employment_id, out)
      }
      yield [c, { rule: c.rule, employments, groups }]
    }
  }

  return {
    mapping_version: options.mapping_version,
    rules: mapping.rules,
    evaluatePerson (facts, day) {
      const collector = new GrantCollector(options.mapping_version)
      for (const [c, match] of matches(facts, day)) {
        c.rule.grant.forEach((attributeId, i) => collector.add(attributeId, c.unitScoped[i] === true, match))
      }
      return collector.grants()
    },
    matchRules: (facts, day) => [...matches(facts, day)].map(([, match]) => match)
  }
}

/** Employments active on `day`: started on or before it and not ended before it. */
export function activeEmployments (facts: PersonFacts, day: string): EmploymentFact[] {
  assertDay(day)
  return facts.employments.filter((e) => e.start_date <= day && (e.end_date === null || e.end_date >= day))
}

function assertDay (day: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new TypeError(`evaluation day must be YYYY-MM-DD, got ${day}`)
}

function memoisedDnNormaliser (): (dn: string) => string {
  const memo = new Map<string, string>()
  return (dn) => {
    let normal = memo.get(dn)
    if (normal === undefined) {
      normal = normaliseDn(dn)
      if (memo.size < 100_000) memo.set(dn, normal)
    }
    return normal
  }
}
