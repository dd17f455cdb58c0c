import type { AttributeDefinition } from './scim-attributes.js'
import { findDefinition, isObject, type ResolvedAttribute } from './scim-attribute-lookup.js'
import { invalidValue, mutability, noTarget } from './scim-errors.js'
import type { ScimFilter } from './filter/ast.js'
import { evaluate } from './filter/index.js'
import { isPresent } from './filter/compare.js'
import { asList } from './filter/scope.js'
import { coerceSingle, coerceValue, deleteKey, enforceSinglePrimary, mergeInto, readKey, sameItem, setKey } from './scim-patch-values.js'

export type PatchOpName = 'add' | 'replace' | 'remove'

/** One operation on one attribute of one container (the resource, or an extension object). */
export interface AttributeChange {
  op: PatchOpName
  container: Record<string, unknown>
  attribute: ResolvedAttribute
  filter: ScimFilter | undefined
  /** Absent for `remove` without a value. */
  value: unknown
  hasValue: boolean
  where: string
}

/** RFC 7644 §3.5.2.1–3: the add, replace and remove rules for each kind of target. */
export function applyChange (change: AttributeChange): void {
  const { attribute, filter, container } = change
  const definition = attribute.definition
  const multiValued = definition ? definition.multiValued : filter !== undefined || Array.isArray(readKey(container, attribute.name))
  if (multiValued && (filter !== undefined || attribute.sub)) applyToSelectedValues(change)
  else if (multiValued) applyToList(change)
  else if (attribute.sub) applyToSubAttribute(change)
  else applyToSingle(change)
}

function applyToSingle ({ op, container, attribute, value, where }: AttributeChange): void {
  if (op === 'remove') return deleteKey(container, attribute.name)
  const coerced = coerceValue(attribute.definition, value, where)
  if (coerced === null) return deleteKey(container, attribute.name)
  const complex = attribute.definition ? attribute.definition.type === 'complex' : isObject(coerced)
  setKey(container, attribute.name, complex ? mergeInto(readKey(container, attribute.name), coerced) : coerced)
}

function applyToSubAttribute ({ op, container, attribute, value, where }: AttributeChange): void {
  const sub = attribute.sub as NonNullable<ResolvedAttribute['sub']>
  const current = readKey(container, attribute.name)
  const object = isObject(current) ? { ...current } : {}
  if (op === 'remove') {
    deleteKey(object, sub.name)
  } else {
    const coerced = coerceValue(sub.definition, value, where)
    if (coerced === null) deleteKey(object, sub.name)
    else setKey(object, sub.name, coerced)
  }
  if (isPresent(object)) setKey(container, attribute.name, object)
  else deleteKey(container, attribute.name)
}

function applyToList ({ op, container, attribute, value, hasValue, where }: AttributeChange): void {
  const definition = attribute.definition
  const existing = asList(readKey(container, attribute.name))
  if (op === 'remove' && !hasValue) return deleteKey(container, attribute.name)
  const items = asList(coerceValue(definition, value, where))
  if (op === 'remove') {
    // Entra ID removes group members as {op: remove, path: members, value: [{value: id}]}.
    return writeList(container, attribute.name, existing.filter((item) => !items.some((gone) => sameItem(item, gone, definition))))
  }
  if (op === 'replace') {
    enforceSinglePrimary(items, new Set(items))
    return writeList(container, attribute.name, items)
  }
  const result = [...existing]
  const written = new Set<unknown>()
  for (const item of items) {
    const index = result.findIndex((candidate) => sameItem(candidate, item, definition))
    // RFC 7644 §3.5.2.1: a value already there is not added again; only new flags (primary) apply.
    const merged = index === -1 ? item : mergeInto(result[index], withoutValue(item))
    if (index === -1) result.push(merged)
    else result[index] = merged
    written.add(merged)
  }
  enforceSinglePrimary(result, written)
  writeList(container, attribute.name, result)
}

function applyToSelectedValues (change: AttributeChange): void {
  const { op, container, attribute, filter, where } = change
  const definition = attribute.definition
  const list = asList(readKey(container, attribute.name))
  const scope = { kind: 'value', definitions: definition?.subAttributes } as const
  const selected = new Set(list.filter((item) => isObject(item) && (filter === undefined || evaluate(item, filter, scope))))
  if (selected.size === 0) {
    if (filter !== undefined && op !== 'add') throw noTarget(`${where}: no value matches the filter`)
    if (op === 'remove') return
    const base = filter === undefined ? {} : valueFromFilter(filter, definition)
    if (!base) throw noTarget(`${where}: no value matches the filter, and the filter does not describe a new one`)
    const created = updatedValue(base, change)
    const result = [...list, created]
    enforceSinglePrimary(result, new Set([created]))
    return writeList(container, attribute.name, result)
  }
  if (op === 'remove' && !attribute.sub) return writeList(container, attribute.name, list.filter((item) => !selected.has(item)))
  const written = new Set<unknown>()
  const result = list.map((item) => {
    if (!selected.has(item)) return item
    const updated = updatedValue(item as Record<string, unknown>, change)
    written.add(updated)
    return updated
  })
  enforceSinglePrimary(result, written)
  writeList(container, attribute.name, result)
}

/** One selected value after the change: its sub-attribute set or removed, or the value merged in. */
function updatedValue (item: Record<string, unknown>, { op, attribute, value, where }: AttributeChange): Record<string, unknown> {
  const definition = attribute.definition
  const sub = attribute.sub
  let updated: Record<string, unknown>
  if (sub) {
    updated = { ...item }
    const coerced = op === 'remove' ? null : coerceValue(sub.definition, value, where)
    if (coerced === null) deleteKey(updated, sub.name)
    else setKey(updated, sub.name, coerced)
  } else {
    const coerced = definition ? coerceSingle(definition, value, where) : value
    if (!isObject(coerced)) throw invalidValue(`${where}: a value of ${attribute.name} must be an object`)
    updated = mergeInto(item, coerced) as Record<string, unknown>
  }
  checkImmutable(item, updated, definition, where)
  return updated
}

/** RFC 7643 §7 "immutable": set when a value is created, never changed afterwards (group member ids). */
function checkImmutable (before: Record<string, unknown>, after: Record<string, unknown>, definition: AttributeDefinition | undefined, where: string): void {
  for (const sub of definition?.subAttributes ?? []) {
    if (sub.mutability !== 'immutable') continue
    const old = readKey(before, sub.name)
    if (old !== undefined && readKey(after, sub.name) !== old) throw mutability(`${where}: ${definition?.name}.${sub.name} is immutable`)
  }
}

/**
 * The new value an `add` with a filter describes when none matches: `emails[type eq "work"].value`
 * on a user without a work address adds `{ type: "work", value }` (Entra ID sends exactly this).
 * Only a filter made of `eq` tests on sub-attributes describes a value.
 */
function valueFromFilter (filter: ScimFilter, definition: AttributeDefinition | undefined): Record<string, unknown> | undefined {
  if (filter.op === 'and') {
    const parts = filter.filters.map((part) => valueFromFilter(part, definition))
    return parts.every((part) => part !== undefined) ? Object.assign({}, ...parts) as Record<string, unknown> : undefined
  }
  if (filter.op !== 'eq' || filter.value === null || filter.path.schema !== undefined || filter.path.subAttribute !== undefined) return undefined
  const name = findDefinition(definition?.subAttributes, filter.path.attribute)?.name ?? filter.path.attribute
  return { [name]: filter.value }
}

function withoutValue (item: unknown): unknown {
  if (!isObject(item)) return item
  const rest = { ...item }
  deleteKey(rest, 'value')
  return rest
}

function writeList (container: Record<string, unknown>, name: string, items: unknown[]): void {
  if (items.length === 0) deleteKey(container, name)
  else setKey(container, name, items)
}
