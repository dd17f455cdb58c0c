import type { ScimResourceType } from '../scim-attributes.js'
import { resolveAttribute, type AttributePath } from '../scim-attribute-lookup.js'
import type { CompareFilter, ScimFilter } from './ast.js'
import { parseDateTime } from './compare.js'
import { ENTERPRISE_USER_SCHEMA } from '../scim-urns.js'

/**
 * The part of a filter a repository can answer with an index, as data rather than SQL: a
 * conjunction of conditions on a closed set of fields, values always bound as parameters.
 * When `exact` is false the filter says more than `conditions` do; the caller narrows with
 * the conditions and then keeps only the rows `matchesFilter` accepts (and paginates after).
 */
export type StoreField = 'id' | 'externalId' | 'userName' | 'displayName' | 'employeeNumber' | 'email' | 'member' | 'lastModified'

export interface StoreCondition {
  field: StoreField
  op: 'eq' | 'gt' | 'ge' | 'lt' | 'le'
  /** For `lastModified`, an ISO 8601 instant (`Date#toISOString`). */
  value: string
  /** False: compare case-insensitively (`lower(col) = lower($1)`). */
  caseExact: boolean
}

export interface StoreQuery {
  conditions: StoreCondition[]
  exact: boolean
}

interface FieldRule { field: StoreField, container: string | undefined, attribute: string, sub?: string, resourceTypes: ScimResourceType[] }

const FIELD_RULES: FieldRule[] = [
  { field: 'id', container: undefined, attribute: 'id', resourceTypes: ['User', 'Group'] },
  { field: 'externalId', container: undefined, attribute: 'externalId', resourceTypes: ['User', 'Group'] },
  { field: 'userName', container: undefined, attribute: 'userName', resourceTypes: ['User'] },
  { field: 'displayName', container: undefined, attribute: 'displayName', resourceTypes: ['Group'] },
  { field: 'employeeNumber', container: ENTERPRISE_USER_SCHEMA, attribute: 'employeeNumber', resourceTypes: ['User'] },
  { field: 'email', container: undefined, attribute: 'emails', sub: 'value', resourceTypes: ['User'] },
  { field: 'member', container: undefined, attribute: 'members', sub: 'value', resourceTypes: ['Group'] },
  { field: 'lastModified', container: undefined, attribute: 'meta', sub: 'lastModified', resourceTypes: ['User', 'Group'] }
]

/** Translates a filter already checked by `prepareFilter`. */
export function filterToStoreQuery (filter: ScimFilter, resourceType: ScimResourceType): StoreQuery {
  const parts = filter.op === 'and' ? filter.filters : [filter]
  const conditions: StoreCondition[] = []
  let exact = true
  for (const part of parts) {
    const condition = toCondition(part, resourceType)
    if (condition) conditions.push(condition)
    else exact = false
  }
  return { conditions, exact }
}

function toCondition (filter: ScimFilter, resourceType: ScimResourceType): StoreCondition | undefined {
  if (filter.op === 'valuePath') {
    // members[value eq "…"] and emails[value eq "…"] say the same as members.value eq "…".
    const inner = filter.filter
    if (inner.op !== 'eq' || inner.path.schema !== undefined || inner.path.subAttribute !== undefined) return undefined
    return toCondition({ ...inner, path: { ...filter.path, subAttribute: inner.path.attribute } }, resourceType)
  }
  if (filter.op !== 'eq' && filter.op !== 'gt' && filter.op !== 'ge' && filter.op !== 'lt' && filter.op !== 'le') return undefined
  if (typeof filter.value !== 'string') return undefined
  const resolved = fieldOf(filter.path, resourceType)
  if (!resolved) return undefined
  if (resolved.rule.field === 'lastModified') return lastModifiedCondition(filter)
  if (filter.op !== 'eq') return undefined
  return { field: resolved.rule.field, op: 'eq', value: filter.value, caseExact: resolved.caseExact }
}

function fieldOf (path: AttributePath, resourceType: ScimResourceType): { rule: FieldRule, caseExact: boolean } | undefined {
  const resolved = resolveAttribute(resourceType, path)
  // A complex attribute compared without a sub-attribute compares its `value` (RFC 7644 §3.4.2.2).
  const sub = resolved.sub?.name ?? (resolved.definition?.type === 'complex' ? 'value' : undefined)
  const rule = FIELD_RULES.find((candidate) => candidate.resourceTypes.includes(resourceType) &&
    candidate.container === resolved.container && candidate.attribute === resolved.name && candidate.sub === sub)
  if (!rule || !resolved.definition) return undefined
  const definition = sub === undefined ? resolved.definition : resolved.definition.subAttributes?.find((candidate) => candidate.name === sub)
  return { rule, caseExact: definition?.caseExact ?? false }
}

function lastModifiedCondition (filter: CompareFilter): StoreCondition | undefined {
  const time = parseDateTime(String(filter.value))
  if (time === undefined || filter.op === 'ne' || filter.op === 'co' || filter.op === 'sw' || filter.op === 'ew') return undefined
  return { field: 'lastModified', op: filter.op, value: new Date(time).toISOString(), caseExact: true }
}
