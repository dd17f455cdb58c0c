import type { AttributeDefinition } from './scim-attributes.js'
import { findDefinition, findKey, isObject } from './scim-attribute-lookup.js'
import { invalidValue } from './scim-errors.js'
import { parseDateTime } from './filter/compare.js'

/**
 * A PATCH value checked against its attribute and brought to canonical form: known
 * sub-attribute names in their canonical case, readOnly sub-attributes dropped (RFC 7643 §7:
 * the client cannot set them). Two widespread client quirks are accepted: Entra ID's
 * "True"/"False" strings for booleans, and a bare id for a complex attribute with a `value`
 * (Entra ID's `manager`). Undefined definitions (attributes behorig does not keep) pass as
 * they are.
 */
export function coerceValue (definition: AttributeDefinition | undefined, value: unknown, where: string): unknown {
  if (!definition || value === null) return value
  if (definition.multiValued) {
    const items = Array.isArray(value) ? value : [value]
    return items.filter((item) => item !== null).map((item, index) => coerceSingle(definition, item, `${where}[${index}]`))
  }
  if (Array.isArray(value)) throw invalidValue(`${where} takes a single value, not a list`)
  return coerceSingle(definition, value, where)
}

export function coerceSingle (definition: AttributeDefinition, value: unknown, where: string): unknown {
  switch (definition.type) {
    case 'complex': return coerceComplex(definition, value, where)
    case 'boolean': return coerceBoolean(value, where)
    case 'integer':
    case 'decimal':
      if (typeof value === 'number' && (definition.type === 'decimal' || Number.isInteger(value))) return value
      throw invalidValue(`${where} must be ${definition.type === 'integer' ? 'an integer' : 'a number'}`)
    case 'dateTime':
      if (typeof value === 'string' && parseDateTime(value) !== undefined) return value
      throw invalidValue(`${where} must be a date and time (RFC 3339)`)
    default:
      if (typeof value === 'string') return value
      throw invalidValue(`${where} must be a string`)
  }
}

function coerceBoolean (value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'
  throw invalidValue(`${where} must be true or false`)
}

function coerceComplex (definition: AttributeDefinition, value: unknown, where: string): Record<string, unknown> {
  const valueSub = findDefinition(definition.subAttributes, 'value')
  if (typeof value === 'string' && valueSub) return { [valueSub.name]: value }
  if (!isObject(value)) throw invalidValue(`${where} must be an object with the sub-attributes of ${definition.name}`)
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const sub = findDefinition(definition.subAttributes, key)
    if (sub?.mutability === 'readOnly') continue
    if (item === null) continue
    result[sub?.name ?? key] = sub ? coerceSingle(sub, item, `${where}.${sub.name}`) : item
  }
  return result
}

/** Sets `name` on `object`, dropping any key that differs from it only in case. */
export function setKey (object: Record<string, unknown>, name: string, value: unknown): void {
  for (const key of Object.keys(object)) if (key !== name && key.toLowerCase() === name.toLowerCase()) Reflect.deleteProperty(object, key)
  object[name] = value
}

export function deleteKey (object: Record<string, unknown>, name: string): void {
  for (const key of Object.keys(object)) if (key.toLowerCase() === name.toLowerCase()) Reflect.deleteProperty(object, key)
}

export function readKey (object: Record<string, unknown>, name: string): unknown {
  const key = findKey(object, name)
  return key === undefined ? undefined : object[key]
}

/** Complex values: merged, the new sub-attributes winning (RFC 7644 §3.5.2.1, §3.5.2.3). */
export function mergeInto (existing: unknown, update: unknown): unknown {
  if (!isObject(existing) || !isObject(update)) return update
  const merged = { ...existing }
  for (const [key, value] of Object.entries(update)) setKey(merged, key, value)
  return merged
}

/**
 * Whether two values of a multi-valued attribute are the same value: simple values compare
 * by the attribute's caseExact; complex ones by `value` and, where `candidate` names one, by
 * `type` too (so a work and a home address with the same text stay two values).
 */
export function sameItem (existing: unknown, candidate: unknown, definition: AttributeDefinition | undefined): boolean {
  if (isObject(existing) && isObject(candidate)) {
    const valueSub = findDefinition(definition?.subAttributes, 'value')
    const candidateValue = readKey(candidate, 'value')
    if (candidateValue === undefined) return JSON.stringify(existing) === JSON.stringify(candidate)
    if (!sameScalar(readKey(existing, 'value'), candidateValue, valueSub?.caseExact ?? false)) return false
    const candidateType = readKey(candidate, 'type')
    return candidateType === undefined || sameScalar(readKey(existing, 'type'), candidateType, false)
  }
  return sameScalar(existing, candidate, definition?.caseExact ?? false)
}

function sameScalar (a: unknown, b: unknown, caseExact: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return caseExact ? a === b : a.toLowerCase() === b.toLowerCase()
  return a === b
}

/**
 * RFC 7643 §2.4: "primary" is true for at most one value. The value just written wins;
 * the others lose their flag.
 */
export function enforceSinglePrimary (items: unknown[], written: ReadonlySet<unknown>): void {
  const primaries = items.filter((item) => isObject(item) && readKey(item, 'primary') === true) as Array<Record<string, unknown>>
  if (primaries.length < 2) return
  const winner = [...primaries].reverse().find((item) => written.has(item)) ?? primaries[primaries.length - 1]
  for (const item of primaries) if (item !== winner) setKey(item, 'primary', false)
}
