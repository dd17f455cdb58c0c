import { canonicalJson } from '../crypto/canonical-json.js'
import type { MappingDocument, MappingWarning } from './mapping-types.js'

/**
 * Warns about a rule that can never grant anything new: its condition is the same as an
 * earlier rule's (compared as canonical JSON, so key order does not matter) and that rule
 * already grants everything it grants. Usually a copy-paste left-over.
 */
export function rulePairWarnings (mapping: MappingDocument): MappingWarning[] {
  const warnings: MappingWarning[] = []
  const byCondition = new Map<string, Array<{ index: number, grants: Set<string> }>>()
  mapping.rules.forEach((rule, r) => {
    const key = canonicalJson(rule.when)
    const earlier = byCondition.get(key) ?? []
    const covering = earlier.find((e) => rule.grant.every((id) => e.grants.has(id)))
    if (covering) {
      const other = mapping.rules[covering.index]?.id ?? ''
      warnings.push({ pointer: `/rules/${r}`, code: 'redundant-rule', detail: `grants nothing that rule ${other} (/rules/${covering.index}) does not already grant under the same condition` })
    }
    earlier.push({ index: r, grants: new Set(rule.grant) })
    byCondition.set(key, earlier)
  })
  return warnings
}
