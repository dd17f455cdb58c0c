import { COMMON_ATTRIBUTES, RESOURCE_TYPE_DEFINITIONS, SCHEMA_DEFINITIONS, type AttributeDefinition, type ScimResourceType } from './scim-attributes.js'

/** RFC 7644 §3.10 `attrPath = [URI ":"] ATTRNAME *1subAttr`, as written by the client. */
export interface AttributePath {
  schema?: string
  attribute: string
  subAttribute?: string
}

export interface ResolvedAttribute {
  /**
   * The schema URN under which the attribute sits in the resource (an extension object),
   * or undefined for core and common attributes, which sit at the top level.
   */
  container: string | undefined
  /** The canonical name for a known attribute, otherwise the name as written. */
  name: string
  definition: AttributeDefinition | undefined
  sub?: { name: string, definition: AttributeDefinition | undefined }
}

const NAME = /^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$/

/** `name.sub` or `urn:…:name.sub` → AttributePath; undefined when it is not one. */
export function parseAttributePath (text: string): AttributePath | undefined {
  const colon = text.lastIndexOf(':')
  const schema = colon === -1 ? undefined : text.slice(0, colon)
  const parts = text.slice(colon + 1).split('.')
  if (parts.length > 2 || !parts.every((part) => NAME.test(part))) return undefined
  if (schema !== undefined && !/^urn:[^\s[\]"()]+$/i.test(schema)) return undefined
  const [attribute, subAttribute] = parts as [string, string | undefined]
  return { ...(schema !== undefined ? { schema } : {}), attribute, ...(subAttribute !== undefined ? { subAttribute } : {}) }
}

export function formatAttributePath (path: AttributePath): string {
  const name = path.subAttribute !== undefined ? `${path.attribute}.${path.subAttribute}` : path.attribute
  return path.schema !== undefined ? `${path.schema}:${name}` : name
}

export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/** The key of `object` that equals `name` case-insensitively (RFC 7643 §2.1). */
export function findKey (object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name
  return Object.keys(object).find((key) => sameName(key, name))
}

export function findDefinition (definitions: AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  return definitions?.find((definition) => sameName(definition.name, name))
}

/** The schema URN a path's prefix names (known URNs in canonical case, others as written). */
export function knownSchemaUrn (urn: string): string | undefined {
  return SCHEMA_DEFINITIONS.find((schema) => sameName(schema.id, urn))?.id
}

/**
 * Where an attribute lives in a resource of this type. Unqualified names are looked up in the
 * core schema first, then in the extensions: behorig's schemas share no attribute names, so
 * `employeeNumber` unambiguously means the enterprise extension's (RFC 7644 §3.10 lets
 * clients omit the URI where that is unambiguous). Unknown attributes resolve without a
 * definition; callers decide whether that is an error.
 */
export function resolveAttribute (resourceType: ScimResourceType, path: AttributePath): ResolvedAttribute {
  const type = RESOURCE_TYPE_DEFINITIONS[resourceType]
  const core = [...COMMON_ATTRIBUTES, ...type.schema.attributes]
  let container: string | undefined
  let definition: AttributeDefinition | undefined
  if (path.schema === undefined || sameName(path.schema, type.schema.id)) {
    definition = findDefinition(core, path.attribute)
    for (const extension of type.extensions) {
      if (definition || path.schema !== undefined) break
      definition = findDefinition(extension.schema.attributes, path.attribute)
      if (definition) container = extension.schema.id
    }
  } else {
    const extension = type.extensions.find((candidate) => sameName(candidate.schema.id, path.schema ?? ''))
    container = extension?.schema.id ?? path.schema
    definition = findDefinition(extension?.schema.attributes, path.attribute)
  }
  const resolved: ResolvedAttribute = { container, name: definition?.name ?? path.attribute, definition }
  if (path.subAttribute !== undefined) {
    const sub = findDefinition(definition?.subAttributes, path.subAttribute)
    resolved.sub = { name: sub?.name ?? path.subAttribute, definition: sub }
  }
  return resolved
}

/** The object a resolved attribute sits in: the resource itself or its extension object. */
export function containerOf (resource: Record<string, unknown>, container: string | undefined): Record<string, unknown> | undefined {
  if (container === undefined) return resource
  const key = findKey(resource, container)
  const value = key === undefined ? undefined : resource[key]
  return isObject(value) ? value : undefined
}

export function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
