import { buildPersonContext, compileCondition } from './condition-compiler.js'
import { describeCondition, describeEmployment, unitLabel } from './condition-describer.js'
import { normaliseDn } from '../directory/dn-normaliser.js'
import { activeEmployments, type CompiledMapping } from './mapping-compiler.js'
import type { Condition, EffectiveGrant, GrantProvenance, MappingRule, PersonFacts, RuleMatch, RuleProvenance } from './mapping-types.js'
import type { UnitTree } from './unit-tree.js'

export interface ExplainInput {
  attribute_id: string
  facts: PersonFacts
  mapping: CompiledMapping
  units: UnitTree
  /** YYYY-MM-DD. */
  day: string
}

/** For a person without the attribute: the rule that came nearest. */
export interface NearestRule {
  rule_id: string
  employment_id: string
  conditions_met: number
  conditions_total: number
  /** The top-level conditions the employment does not meet, in words. */
  unmet: string[]
}

export interface Explanation<P extends GrantProvenance = RuleProvenance> {
  attribute_id: string
  holds: boolean
  text: string
  /** The grants for this attribute (one per unit when unit-scoped). */
  grants: Array<EffectiveGrant<P>>
  /** Provenance of all those grants. */
  data: P[]
  nearest?: NearestRule
}

/** Why the person holds (or does not hold) the attribute on `day`, in words and data. */
export function explainGrant (input: ExplainInput): Explanation {
  const { attribute_id: attributeId, facts, mapping, units, day } = input
  const grants = mapping.evaluatePerson(facts, day).filter((g) => g.attribute_id === attributeId)
  const data = grants.flatMap((g) => g.provenance)
  if (grants.length > 0) {
    const matches = mapping.matchRules(facts, day).filter((m) => m.rule.grant.includes(attributeId))
    const text = [...matches.map((m) => ruleSentence(m, mapping.mapping_version, units)), validitySentence(grants, units)].join(' ')
    return { attribute_id: attributeId, holds: true, text, grants, data }
  }
  const granting = mapping.rules.filter((r) => r.grant.includes(attributeId))
  if (granting.length === 0) {
    return { attribute_id: attributeId, holds: false, text: `Not granted: no rule in mapping v${mapping.mapping_version} grants ${attributeId}.`, grants, data }
  }
  const nearest = nearestRule(granting, facts, units, day)
  const ruleList = granting.map((r) => `${r.id} (${describeCondition(r.when, units)})`).join('; ')
  let text = `Not granted on ${day}: no active employment satisfies the rules in mapping v${mapping.mapping_version} that grant ${attributeId}: ${ruleList}.`
  if (nearest) text += ` Nearest: rule ${nearest.rule_id} with employment ${nearest.employment_id}, which meets ${nearest.conditions_met} of ${nearest.conditions_total} conditions but not ${nearest.unmet.join(', nor ')}.`
  return nearest ? { attribute_id: attributeId, holds: false, text, grants, data, nearest } : { attribute_id: attributeId, holds: false, text, grants, data }
}

function ruleSentence (match: RuleMatch, version: number, units: UnitTree): string {
  const { rule } = match
  const about = rule.description ? ` ("${rule.description}")` : ''
  let text = `Granted by rule ${rule.id} (mapping v${version})${about}, which requires ${describeCondition(rule.when, units)}.`
  text += ` Matching employment${match.employments.length > 1 ? 's' : ''}: ${match.employments.map((e) => describeEmployment(e, units)).join('; ')}.`
  const groups = new Map([...match.groups.values()].flat().map((g) => [g.dn, g]))
  for (const g of groups.values()) {
    text += g.via && g.via.length > 0 ? ` Member of ${g.dn} through ${[...g.via, g.dn].join(' → ')}.` : ` Member of ${g.dn}.`
  }
  return text
}

function validitySentence (grants: EffectiveGrant[], units: UnitTree): string {
  return grants.map((g) => {
    const scope = g.unit_id === null ? 'Organisation-wide' : `For ${unitLabel(g.unit_id, units)}`
    const until = g.valid_until === null ? 'until further notice' : `until ${g.valid_until}`
    return `${scope}, valid from ${g.valid_from} ${until}.`
  }).join(' ')
}

/**
 * Scores each (granting rule, active employment) by how many of the rule's top-level
 * conditions hold — a heuristic for "what is missing", not a proof of the shortest fix.
 */
function nearestRule (rules: MappingRule[], facts: PersonFacts, units: UnitTree, day: string): NearestRule | undefined {
  const active = activeEmployments(facts, day)
  const person = buildPersonContext(facts.groups, normaliseDn)
  let best: NearestRule | undefined
  for (const rule of rules) {
    const parts = topLevelParts(rule.when).map((c) => ({ condition: c, node: compileCondition(c, units) }))
    for (const e of active) {
      const unmet = parts.filter((p) => !p.node.test(e, person)).map((p) => describeCondition(p.condition, units))
      const met = parts.length - unmet.length
      if (!best || met / parts.length > best.conditions_met / best.conditions_total) {
        best = { rule_id: rule.id, employment_id: e.employment_id, conditions_met: met, conditions_total: parts.length, unmet }
      }
    }
  }
  return best
}

function topLevelParts (condition: Condition): Condition[] {
  const keys = Object.entries(condition).filter(([, v]) => v !== undefined)
  if (keys.length === 1 && condition.all) return condition.all
  return keys.map(([key, value]) => ({ [key]: value }))
}
