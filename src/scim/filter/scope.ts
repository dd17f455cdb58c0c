import type { AttributeDefinition, ScimResourceType } from '../scim-attributes.js'
import { containerOf, findDefinition, findKey, isObject, resolveAttribute, type AttributePath } from '../scim-attribute-lookup.js'

/**
 * What a filter's attribute paths are relative to: a whole resource, or one value of a
 * multi-valued complex attribute (inside `emails[…]`, paths name sub-attributes).
 */
export type FilterScope =
  | { kind: 'resource', resourceType: ScimResourceType }
  | { kind: 'value', definitions: AttributeDefinition[] | undefined }

export interface LocatedAttribute {
  attribute: AttributeDefinition | undefined
  /** The sub-attribute's definition when the path names one. */
  sub: AttributeDefinition | undefined
  hasSub: boolean
  /** Every value at the path, multi-valued attributes flattened, unassigned ones dropped. */
  read: (target: Record<string, unknown>) => unknown[]
}

export function locate (scope: FilterScope, path: AttributePath): LocatedAttribute {
  const hasSub = path.subAttribute !== undefined
  if (scope.kind === 'resource') {
    const resolved = resolveAttribute(scope.resourceType, path)
    return {
      attribute: resolved.definition,
      sub: resolved.sub?.definition,
      hasSub,
      read: (target) => readPath(containerOf(target, resolved.container), resolved.name, resolved.sub?.name)
    }
  }
  const attribute = path.schema === undefined ? findDefinition(scope.definitions, path.attribute) : undefined
  return {
    attribute,
    sub: hasSub ? findDefinition(attribute?.subAttributes, path.subAttribute as string) : undefined,
    hasSub,
    read: (target) => path.schema === undefined ? readPath(target, path.attribute, path.subAttribute) : []
  }
}

/** The scope inside a value filter on `located` (`emails[…]`). */
export function valueScope (located: LocatedAttribute): FilterScope {
  return { kind: 'value', definitions: located.attribute?.subAttributes }
}

export function asList (value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value.filter((item) => item !== undefined && item !== null) : [value]
}

function readPath (container: Record<string, unknown> | undefined, name: string, sub: string | undefined): unknown[] {
  const key = container === undefined ? undefined : findKey(container, name)
  if (container === undefined || key === undefined) return []
  const values = asList(container[key])
  if (sub === undefined) return values
  return values.flatMap((value) => {
    const subKey = isObject(value) ? findKey(value, sub) : undefined
    return isObject(value) && subKey !== undefined ? asList(value[subKey]) : []
  })
}
