import { RESOURCE_TYPE_DEFINITIONS, type ScimResourceType } from './scim-attributes.js'
import { containerOf, findKey, isObject } from './scim-attribute-lookup.js'
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget } from './scim-errors.js'
import { isPresent } from './filter/compare.js'
import { parsePatchPath, type PatchPath } from './scim-path.js'
import { applyChange, type PatchOpName } from './scim-patch-target.js'
import { readKey } from './scim-patch-values.js'
import { PATCH_OP_MESSAGE } from './scim-urns.js'

export interface PatchOperation {
  op: string
  path?: string
  value?: unknown
}

/**
 * Applies a PatchOp request (RFC 7644 §3.5.2) to a SCIM resource and returns the new
 * resource; the input is not changed. Operations apply in order and all or none do: the first
 * failing one throws its 400 ScimError. Op names are case-insensitive (Entra ID sends
 * "Replace"). The result still needs its required attributes: removing `userName` fails.
 */
export function applyPatch (resource: Record<string, unknown>, request: unknown, resourceType: ScimResourceType): Record<string, unknown> {
  const operations = readOperations(request)
  const result = structuredClone(resource)
  operations.forEach((operation, index) => applyOperation(result, operation, index, resourceType))
  checkRequired(result, resourceType)
  return result
}

/** The operations of a PatchOp body, each with its op name checked. */
export function readOperations (request: unknown): Array<PatchOperation & { op: PatchOpName }> {
  if (!isObject(request)) throw invalidSyntax('A PATCH body is a PatchOp message object')
  const schemas = readKey(request, 'schemas')
  if (!Array.isArray(schemas) || !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === PATCH_OP_MESSAGE.toLowerCase())) {
    throw invalidSyntax(`A PATCH body lists "${PATCH_OP_MESSAGE}" in "schemas"`)
  }
  const operations = readKey(request, 'Operations')
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax('A PATCH body has a non-empty "Operations" list')
  return operations.map((operation, index) => {
    if (!isObject(operation)) throw invalidSyntax(`Operations[${index}] is not an object`)
    const op = readKey(operation, 'op')
    const name = typeof op === 'string' ? op.toLowerCase() : undefined
    if (name !== 'add' && name !== 'replace' && name !== 'remove') throw invalidSyntax(`Operations[${index}].op must be add, replace or remove`)
    const path = readKey(operation, 'path')
    if (path !== undefined && typeof path !== 'string') throw invalidSyntax(`Operations[${index}].path must be a string`)
    const valueKey = findKey(operation, 'value')
    return { op: name, ...(path !== undefined ? { path } : {}), ...(valueKey !== undefined ? { value: operation[valueKey] } : {}) }
  })
}

function applyOperation (resource: Record<string, unknown>, operation: PatchOperation & { op: PatchOpName }, index: number, resourceType: ScimResourceType): void {
  const where = `Operations[${index}]`
  const hasValue = Object.hasOwn(operation, 'value')
  if (operation.op !== 'remove' && !hasValue) throw invalidValue(`${where}: "${operation.op}" needs a "value"`)
  if (operation.path === undefined || operation.path.trim() === '') {
    // RFC 7644 §3.5.2.2: remove without a path fails with noTarget.
    if (operation.op === 'remove') throw noTarget(`${where}: "remove" needs a "path"`)
    return applyToResource(resource, operation.op, operation.value, where, resourceType)
  }
  applyAtPath(resource, resourceType, parsePatchPath(operation.path, resourceType), operation.op, operation.value, hasValue, `${where} (${operation.path})`)
}

/** No path: the value is an object of attributes, each applied as if it were its own path. */
function applyToResource (resource: Record<string, unknown>, op: PatchOpName, value: unknown, where: string, resourceType: ScimResourceType): void {
  if (!isObject(value)) throw invalidValue(`${where}: without a "path", "value" is an object of attributes`)
  for (const [key, item] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue
    const path = parsePatchPath(key, resourceType)
    if (path.kind === 'attribute' && path.attribute.definition?.name === 'id' && item === resource.id) continue
    if (path.kind === 'attribute' && path.attribute.definition?.name === 'meta') throw mutability(`${where}: meta is set by behorig`)
    applyAtPath(resource, resourceType, path, op, item, true, `${where} (${key})`)
  }
}

function applyAtPath (resource: Record<string, unknown>, resourceType: ScimResourceType, path: PatchPath, op: PatchOpName, value: unknown, hasValue: boolean, where: string): void {
  if (path.kind === 'extension') return applyToExtension(resource, resourceType, path.urn, op, value, where)
  if (isUnknownExtension(resource, path, value)) return applyToExtension(resource, resourceType, path.text, op, value, where)
  applyToAttribute(resource, path, op, value, hasValue, where)
}

function applyToAttribute (resource: Record<string, unknown>, path: Extract<PatchPath, { kind: 'attribute' }>, op: PatchOpName, value: unknown, hasValue: boolean, where: string): void {
  const { attribute } = path
  if (attribute.name.toLowerCase() === 'schemas' && attribute.container === undefined) throw mutability(`${where}: "schemas" is set by behorig`)
  const readOnly = attribute.definition?.mutability === 'readOnly' || attribute.sub?.definition?.mutability === 'readOnly'
  if (readOnly) throw mutability(`${where}: ${attribute.name}${attribute.sub ? '.' + attribute.sub.name : ''} is read-only`)
  const container = op === 'remove' ? containerOf(resource, attribute.container) : ensureContainer(resource, attribute.container)
  if (!container) return
  applyChange({ op, container, attribute, filter: path.filter, value, hasValue, where })
  if (attribute.container !== undefined) tidyExtension(resource, attribute.container)
}

/** A path or key that names an extension behorig does not know, e.g. a custom Entra ID one. */
function isUnknownExtension (resource: Record<string, unknown>, path: Extract<PatchPath, { kind: 'attribute' }>, value: unknown): boolean {
  return !path.attribute.definition && !path.filter && /^urn:/i.test(path.text) &&
    (isObject(value) || findKey(resource, path.text) !== undefined)
}

function applyToExtension (resource: Record<string, unknown>, resourceType: ScimResourceType, urn: string, op: PatchOpName, value: unknown, where: string): void {
  const key = findKey(resource, urn) ?? urn
  if (op === 'remove') {
    Reflect.deleteProperty(resource, key)
    return tidyExtension(resource, urn)
  }
  if (!isObject(value)) throw invalidValue(`${where}: the value for an extension is an object of its attributes`)
  for (const [name, item] of Object.entries(value)) {
    const path = parsePatchPath(`${urn}:${name}`, resourceType)
    if (path.kind !== 'attribute') throw invalidPath(`${where}: "${name}" is not an attribute of ${urn}`)
    applyToAttribute(resource, path, op, item, true, where)
  }
}

/** The extension object, created (and listed in `schemas`) when first written. */
function ensureContainer (resource: Record<string, unknown>, urn: string | undefined): Record<string, unknown> {
  if (urn === undefined) return resource
  const existing = containerOf(resource, urn)
  if (existing) return existing
  const created: Record<string, unknown> = {}
  resource[urn] = created
  const schemas = readKey(resource, 'schemas')
  if (Array.isArray(schemas) && !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === urn.toLowerCase())) schemas.push(urn)
  return created
}

/** An extension left empty is unassigned: its object and its `schemas` entry go. */
function tidyExtension (resource: Record<string, unknown>, urn: string): void {
  const key = findKey(resource, urn)
  if (key !== undefined && isPresent(resource[key])) return
  if (key !== undefined) Reflect.deleteProperty(resource, key)
  const schemas = readKey(resource, 'schemas')
  if (Array.isArray(schemas)) {
    const index = schemas.findIndex((schema) => typeof schema === 'string' && schema.toLowerCase() === urn.toLowerCase())
    if (index !== -1) schemas.splice(index, 1)
  }
}

function checkRequired (resource: Record<string, unknown>, resourceType: ScimResourceType): void {
  for (const attribute of RESOURCE_TYPE_DEFINITIONS[resourceType].schema.attributes) {
    if (attribute.required && !isPresent(readKey(resource, attribute.name))) {
      throw invalidValue(`${attribute.name} is required and cannot be removed`)
    }
  }
}
