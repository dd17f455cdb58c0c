import { isDeepStrictEqual } from 'node:util'

/**
 * OpenID Federation 1.0 §6.1: metadata policies. A policy names, per entity type and
 * metadata parameter, operators; superiors' policies are combined from the trust anchor
 * down (§6.1.4.1), then applied to the leaf's metadata (§6.1.4.2). Any conflict or
 * violation is a MetadataPolicyError, and the chain is refused.
 */
export type Operators = Record<string, unknown>
/** Entity type → parameter → operators. */
export type MetadataPolicy = Record<string, Record<string, Operators>>
export type Metadata = Record<string, Record<string, unknown>>

export class MetadataPolicyError extends Error {
  constructor (message: string) { super(message); this.name = 'MetadataPolicyError' }
}

/** §6.1.3.1: the standard operators, in the order they are applied (§6.1.4.2). */
export const STANDARD_OPERATORS = ['value', 'add', 'default', 'one_of', 'subset_of', 'superset_of', 'essential'] as const

const fail = (where: string, message: string): never => { throw new MetadataPolicyError(`${where}: ${message}`) }
const asArray = (value: unknown): unknown[] => Array.isArray(value) ? value : [value]
const includes = (list: unknown[], item: unknown): boolean => list.some((v) => isDeepStrictEqual(v, item))
const union = (a: unknown[], b: unknown[]): unknown[] => [...a, ...b.filter((v) => !includes(a, v))]
const intersection = (a: unknown[], b: unknown[]): unknown[] => a.filter((v) => includes(b, v))
const isSubset = (a: unknown[], b: unknown[]): boolean => a.every((v) => includes(b, v))

/**
 * Combines a superior's policy with its subordinate's (§6.1.3.1, "Merge" of each operator):
 * value and default must agree, add and superset_of are unions, one_of and subset_of
 * intersections, essential true if either says so. Operators not standard are kept as the
 * superior gave them unless `crit` names them (§6.1.5: then they cannot be understood).
 */
export function combinePolicies (superior: MetadataPolicy, subordinate: MetadataPolicy, crit: string[] = []): MetadataPolicy {
  const combined: MetadataPolicy = structuredClone(superior)
  for (const [type, parameters] of Object.entries(subordinate)) {
    const target = combined[type] ??= {}
    for (const [name, operators] of Object.entries(parameters)) {
      target[name] = combineOperators(`${type}.${name}`, target[name] ?? {}, operators, crit)
    }
  }
  for (const [type, parameters] of Object.entries(combined)) {
    for (const [name, operators] of Object.entries(parameters)) checkCombination(`${type}.${name}`, operators, crit)
  }
  return combined
}

function combineOperators (where: string, a: Operators, b: Operators, crit: string[]): Operators {
  const result: Operators = { ...a }
  for (const [operator, value] of Object.entries(b)) {
    if (!(operator in result)) { result[operator] = value; continue }
    const mine = result[operator]
    switch (operator) {
      case 'value':
      case 'default':
        if (!isDeepStrictEqual(mine, value)) fail(where, `${operator} ${JSON.stringify(mine)} and ${JSON.stringify(value)} conflict`)
        break
      case 'add': case 'superset_of': result[operator] = union(asArray(mine), asArray(value)); break
      case 'subset_of': result[operator] = intersection(asArray(mine), asArray(value)); break
      case 'one_of': {
        const common = intersection(asArray(mine), asArray(value))
        if (common.length === 0) fail(where, 'one_of values have nothing in common')
        result[operator] = common
        break
      }
      case 'essential': result[operator] = mine === true || value === true; break
      default:
        if (crit.includes(operator)) fail(where, `operator ${operator} is critical and not understood`)
    }
  }
  return result
}

/** §6.1.3.1's rules on which operators may stand together in one parameter's policy. */
function checkCombination (where: string, ops: Operators, crit: string[]): void {
  for (const operator of Object.keys(ops)) {
    if (!(STANDARD_OPERATORS as readonly string[]).includes(operator) && crit.includes(operator)) fail(where, `operator ${operator} is critical and not understood`)
  }
  const has = (op: string): boolean => op in ops
  if (has('value')) {
    const value = ops['value']
    if (value === null && ops['essential'] === true) fail(where, 'value null cannot be essential')
    if (has('add') && (value === null || !isSubset(asArray(ops['add']), asArray(value)))) fail(where, 'add must be a subset of value')
    if (has('default') && value === null) fail(where, 'default cannot stand with value null')
    if (has('one_of') && value !== null && !includes(asArray(ops['one_of']), value)) fail(where, 'value is not one of one_of')
    if (has('subset_of') && value !== null && !isSubset(asArray(value), asArray(ops['subset_of']))) fail(where, 'value is not a subset of subset_of')
    if (has('superset_of') && value !== null && !isSubset(asArray(ops['superset_of']), asArray(value))) fail(where, 'value is not a superset of superset_of')
  }
  if (has('add') && has('subset_of') && !isSubset(asArray(ops['add']), asArray(ops['subset_of']))) fail(where, 'add must be a subset of subset_of')
  if (has('add') && has('one_of')) fail(where, 'add cannot stand with one_of')
  if (has('one_of') && (has('subset_of') || has('superset_of'))) fail(where, 'one_of cannot stand with subset_of or superset_of')
  if (has('subset_of') && has('superset_of') && !isSubset(asArray(ops['superset_of']), asArray(ops['subset_of']))) fail(where, 'superset_of must be a subset of subset_of')
}

/**
 * Applies a (combined) policy to metadata (§6.1.4.2): operators in the standard order;
 * only entity types the metadata has are touched. Returns the resolved metadata.
 */
export function applyPolicy (policy: MetadataPolicy, metadata: Metadata): Metadata {
  const resolved: Metadata = structuredClone(metadata)
  for (const [type, parameters] of Object.entries(policy)) {
    const target = resolved[type]
    if (!target) continue
    for (const [name, ops] of Object.entries(parameters)) applyOperators(`${type}.${name}`, target, name, ops)
  }
  return resolved
}

function applyOperators (where: string, target: Record<string, unknown>, name: string, ops: Operators): void {
  const present = (): boolean => target[name] !== undefined
  if ('value' in ops) {
    if (ops['value'] === null) Reflect.deleteProperty(target, name)
    else target[name] = structuredClone(ops['value'])
  }
  if ('add' in ops) target[name] = present() ? union(asArray(target[name]), asArray(ops['add'])) : structuredClone(ops['add'])
  if ('default' in ops && !present()) target[name] = structuredClone(ops['default'])
  if ('one_of' in ops && present() && !includes(asArray(ops['one_of']), target[name])) fail(where, `${JSON.stringify(target[name])} is not one of ${JSON.stringify(ops['one_of'])}`)
  if ('subset_of' in ops && present()) target[name] = intersection(asArray(target[name]), asArray(ops['subset_of']))
  if ('superset_of' in ops && present() && !isSubset(asArray(ops['superset_of']), asArray(target[name]))) fail(where, `${JSON.stringify(target[name])} is not a superset of ${JSON.stringify(ops['superset_of'])}`)
  if (ops['essential'] === true && !present()) fail(where, 'is essential and missing')
}

/** §6.1.4.2: the immediate superior's `metadata` about the leaf replaces the leaf's own values, parameter by parameter. */
export function overrideMetadata (leaf: Metadata, superior: Metadata | undefined): Metadata {
  const merged: Metadata = structuredClone(leaf)
  for (const [type, parameters] of Object.entries(superior ?? {})) merged[type] = { ...(merged[type] ?? {}), ...parameters }
  return merged
}
