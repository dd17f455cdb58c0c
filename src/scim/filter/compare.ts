import type { AttributeDefinition } from '../scim-attributes.js'
import { findDefinition, findKey, isObject } from '../scim-attribute-lookup.js'
import type { CompareOperator, FilterValue } from './ast.js'

/**
 * One attribute value against one filter value (RFC 7644 §3.4.2.2): strings honour the
 * attribute's caseExact, dateTimes compare chronologically, numbers numerically, booleans
 * only for equality. A complex value without a named sub-attribute compares its `value`
 * sub-attribute (`emails co "@exempel.se"`). `ne` is handled by the caller as "no value
 * equals", so it also matches an unassigned attribute.
 */
export function compareValue (actual: unknown, op: Exclude<CompareOperator, 'ne'>, expected: FilterValue, definition: AttributeDefinition | undefined): boolean {
  if (actual === null || actual === undefined || expected === null) return false
  if (isObject(actual)) {
    const key = findKey(actual, 'value')
    return key !== undefined && compareValue(actual[key], op, expected, findDefinition(definition?.subAttributes, 'value'))
  }
  if (definition?.type === 'dateTime' && typeof actual === 'string' && typeof expected === 'string' && isOrdering(op)) {
    return order(parseDateTime(actual) ?? Number.NaN, parseDateTime(expected) ?? Number.NaN, op)
  }
  if (typeof actual === 'string' && typeof expected === 'string') {
    const caseExact = definition?.caseExact ?? false
    return compareStrings(fold(actual, caseExact), fold(expected, caseExact), op)
  }
  if (typeof actual === 'number' && typeof expected === 'number') return order(actual, expected, op)
  if (typeof actual === 'boolean' && typeof expected === 'boolean') return op === 'eq' && actual === expected
  return false
}

/** `pr`: "the attribute has a non-empty value, or … a non-empty node for complex attributes". */
export function isPresent (value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false
  if (Array.isArray(value)) return value.some(isPresent)
  if (isObject(value)) return Object.values(value).some(isPresent)
  return true
}

const isOrdering = (op: CompareOperator): boolean => op === 'eq' || op === 'gt' || op === 'ge' || op === 'lt' || op === 'le'

const fold = (text: string, caseExact: boolean): string => caseExact ? text.normalize('NFC') : text.normalize('NFC').toLowerCase()

function compareStrings (actual: string, expected: string, op: Exclude<CompareOperator, 'ne'>): boolean {
  switch (op) {
    case 'co': return actual.includes(expected)
    case 'sw': return actual.startsWith(expected)
    case 'ew': return actual.endsWith(expected)
    default: return order(actual, expected, op)
  }
}

function order<T extends number | string> (actual: T, expected: T, op: CompareOperator): boolean {
  if (typeof actual === 'number' && (Number.isNaN(actual) || Number.isNaN(expected))) return false
  switch (op) {
    case 'eq': return actual === expected
    case 'gt': return actual > expected
    case 'ge': return actual >= expected
    case 'lt': return actual < expected
    case 'le': return actual <= expected
    default: return false
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i

/** An RFC 3339 date-time (RFC 7643 §2.3.5 `dateTime`) as epoch milliseconds; undefined otherwise. */
export function parseDateTime (text: string): number | undefined {
  if (!DATE_TIME.test(text)) return undefined
  const time = Date.parse(text)
  return Number.isNaN(time) ? undefined : time
}
