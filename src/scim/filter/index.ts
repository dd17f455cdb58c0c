import type { ScimResourceType } from '../scim-attributes.js'
import { formatAttributePath, isObject } from '../scim-attribute-lookup.js'
import { invalidFilter } from '../scim-errors.js'
import type { CompareFilter, ScimFilter } from './ast.js'
import { compareValue, isPresent, parseDateTime } from './compare.js'
import { parseFilter } from './parser.js'
import { locate, valueScope, type FilterScope } from './scope.js'

// SCIM filters (RFC 7644 §3.4.2.2), the entry point: lexer.ts and parser.ts read the text into
// ast.ts, scope.ts and compare.ts evaluate it against a resource, store-query.ts turns what a
// repository can index into data, format.ts writes a filter back as text.
export type { ScimFilter } from './ast.js'
export { parseFilter } from './parser.js'

/**
 * Parses a `filter` query parameter and checks it against the resource type's schema: throws
 * a 400 `invalidFilter` ScimError for bad syntax and for comparisons the RFC forbids.
 */
export function prepareFilter (source: string, resourceType: ScimResourceType): ScimFilter {
  const filter = parseFilter(source)
  checkFilter(filter, { kind: 'resource', resourceType })
  return filter
}

/**
 * Rejects what RFC 7644 §3.4.2.2 calls a failed filter: ordering or substring operators on
 * booleans, a complex attribute compared without a sub-attribute it could use, a sub-attribute
 * of a simple attribute, a dateTime compared with something that is not one. Attributes
 * behorig does not know are let through; they are unassigned and so never equal anything.
 */
export function checkFilter (filter: ScimFilter, scope: FilterScope): void {
  switch (filter.op) {
    case 'and':
    case 'or':
      for (const part of filter.filters) checkFilter(part, scope)
      return
    case 'not':
      checkFilter(filter.filter, scope)
      return
    case 'valuePath': {
      const located = locate(scope, filter.path)
      if (located.attribute && located.attribute.type !== 'complex') {
        throw invalidFilter(`"${formatAttributePath(filter.path)}" is not a complex attribute and takes no value filter`)
      }
      checkFilter(filter.filter, valueScope(located))
      return
    }
    case 'pr':
      checkPath(filter.path, scope)
      return
    default:
      checkComparison(filter, scope)
  }
}

function checkPath (path: CompareFilter['path'], scope: FilterScope): void {
  const located = locate(scope, path)
  if (located.hasSub && located.attribute && located.attribute.type !== 'complex') {
    throw invalidFilter(`"${located.attribute.name}" has no sub-attributes`)
  }
}

function checkComparison (filter: CompareFilter, scope: FilterScope): void {
  checkPath(filter.path, scope)
  const located = locate(scope, filter.path)
  let definition = located.hasSub ? located.sub : located.attribute
  const name = formatAttributePath(filter.path)
  if (definition?.type === 'complex') {
    definition = definition.subAttributes?.find((sub) => sub.name === 'value')
    if (!definition) throw invalidFilter(`"${name}" is complex; name one of its sub-attributes`)
  }
  const ordering = filter.op === 'gt' || filter.op === 'ge' || filter.op === 'lt' || filter.op === 'le'
  const substring = filter.op === 'co' || filter.op === 'sw' || filter.op === 'ew'
  if ((ordering || substring) && (filter.value === null || typeof filter.value === 'boolean')) {
    throw invalidFilter(`"${filter.op}" cannot compare with ${String(filter.value)}`)
  }
  if ((ordering || substring) && definition?.type === 'boolean') {
    throw invalidFilter(`"${filter.op}" cannot be used on the boolean attribute "${name}"`)
  }
  if (definition?.type === 'dateTime' && ordering && (typeof filter.value !== 'string' || parseDateTime(filter.value) === undefined)) {
    throw invalidFilter(`"${name}" is a dateTime; compare it with an RFC 3339 date and time`)
  }
}

/** Whether a SCIM resource (its JSON representation) matches the filter. */
export function matchesFilter (resource: Record<string, unknown>, filter: ScimFilter, resourceType: ScimResourceType): boolean {
  return evaluate(resource, filter, { kind: 'resource', resourceType })
}

export function evaluate (target: Record<string, unknown>, filter: ScimFilter, scope: FilterScope): boolean {
  switch (filter.op) {
    case 'and': return filter.filters.every((part) => evaluate(target, part, scope))
    case 'or': return filter.filters.some((part) => evaluate(target, part, scope))
    case 'not': return !evaluate(target, filter.filter, scope)
    case 'valuePath': {
      const located = locate(scope, filter.path)
      const inner = valueScope(located)
      return located.read(target).some((value) => isObject(value) && evaluate(value, filter.filter, inner))
    }
    case 'pr': return locate(scope, filter.path).read(target).some(isPresent)
    default: return compare(target, filter, scope)
  }
}

function compare (target: Record<string, unknown>, filter: CompareFilter, scope: FilterScope): boolean {
  const located = locate(scope, filter.path)
  const values = located.read(target)
  const definition = located.hasSub ? located.sub : located.attribute
  // RFC 7644 leaves `eq null` open; behorig reads it as "unassigned", `ne null` as "present".
  if (filter.value === null && (filter.op === 'eq' || filter.op === 'ne')) {
    return values.some(isPresent) === (filter.op === 'ne')
  }
  if (filter.op === 'ne') return !values.some((value) => compareValue(value, 'eq', filter.value, definition))
  const op = filter.op
  return values.some((value) => compareValue(value, op, filter.value, definition))
}
