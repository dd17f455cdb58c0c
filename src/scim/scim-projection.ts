import type { ScimResourceType } from './scim-attributes.js'
import { parseAttributePath, resolveAttribute, sameName, isObject } from './scim-attribute-lookup.js'
import { invalidValue } from './scim-errors.js'

/**
 * The `attributes` and `excludedAttributes` query parameters (RFC 7644 §3.9) on reads: a
 * comma-separated list of attribute names, `name.sub` or URN-qualified. `id`, `schemas` and
 * `meta` are always returned, and so is the attribute the type requires (`userName`,
 * `displayName`), which every SCIM client expects to find. Unknown names select nothing.
 */
export interface ProjectionQuery { attributes?: string | undefined, excludedAttributes?: string | undefined }

type Resource = Record<string, unknown>
interface Selected { container: string | undefined, name: string, sub: string | undefined }

const ALWAYS: Record<ScimResourceType, string[]> = { User: ['schemas', 'id', 'meta', 'userName'], Group: ['schemas', 'id', 'meta', 'displayName'] }

export function projectResource (resource: Resource, resourceType: ScimResourceType, query: ProjectionQuery): Resource {
  if (query.attributes) return keepOnly(resource, resourceType, parseList(query.attributes, 'attributes', resourceType))
  if (query.excludedAttributes) return exclude(resource, resourceType, parseList(query.excludedAttributes, 'excludedAttributes', resourceType))
  return resource
}

/** Checks the lists before any store work, so a bad one fails fast. */
export function checkProjection (query: ProjectionQuery, resourceType: ScimResourceType): void {
  if (query.attributes) parseList(query.attributes, 'attributes', resourceType)
  if (query.excludedAttributes) parseList(query.excludedAttributes, 'excludedAttributes', resourceType)
}

function parseList (text: string, parameter: string, resourceType: ScimResourceType): Selected[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
    const path = parseAttributePath(item)
    if (!path) throw invalidValue(`${parameter}: "${item}" is not an attribute name`)
    const resolved = resolveAttribute(resourceType, path)
    return { container: resolved.container, name: resolved.name, sub: resolved.sub?.name }
  })
}

function keepOnly (resource: Resource, resourceType: ScimResourceType, selected: Selected[]): Resource {
  const result: Resource = {}
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS[resourceType].includes(key)) { result[key] = value; continue }
    const inside = selected.filter((s) => s.container !== undefined && sameName(s.container, key))
    if (inside.length > 0 && isObject(value)) {
      const kept = Object.fromEntries(Object.entries(value).filter(([name]) => inside.some((s) => sameName(s.name, name))))
      if (Object.keys(kept).length > 0) result[key] = kept
      continue
    }
    const here = selected.filter((s) => s.container === undefined && sameName(s.name, key))
    if (here.length === 0) continue
    const subs = here.map((s) => s.sub)
    result[key] = subs.includes(undefined) ? value : mapItems(value, (item) => Object.fromEntries(Object.entries(item).filter(([name]) => subs.some((sub) => sub !== undefined && sameName(sub, name)))))
  }
  return result
}

function exclude (resource: Resource, resourceType: ScimResourceType, selected: Selected[]): Resource {
  const result: Resource = {}
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS[resourceType].includes(key)) { result[key] = value; continue }
    const inside = selected.filter((s) => s.container !== undefined && sameName(s.container, key))
    if (inside.length > 0 && isObject(value)) {
      result[key] = Object.fromEntries(Object.entries(value).filter(([name]) => !inside.some((s) => sameName(s.name, name))))
      continue
    }
    const here = selected.filter((s) => s.container === undefined && sameName(s.name, key))
    if (here.some((s) => s.sub === undefined)) continue
    const subs = here.map((s) => s.sub as string)
    result[key] = subs.length === 0 ? value : mapItems(value, (item) => Object.fromEntries(Object.entries(item).filter(([name]) => !subs.some((sub) => sameName(sub, name)))))
  }
  return result
}

function mapItems (value: unknown, fn: (item: Resource) => Resource): unknown {
  if (Array.isArray(value)) return value.map((item) => isObject(item) ? fn(item) : item)
  return isObject(value) ? fn(value) : value
}
