import { COMMON_ATTRIBUTES, RESOURCE_TYPE_DEFINITIONS, type AttributeDefinition, type ScimResourceType } from './scim-attributes.js'
import { findDefinition, isObject, sameName } from './scim-attribute-lookup.js'

/**
 * A resource body with every known attribute name in its canonical case (RFC 7643 §2.1:
 * attribute names are case-insensitive), so that JSON Schema validation, which is
 * case-sensitive, sees `userName` where a client wrote `UserName`. Unknown names are kept.
 */
export function canonicaliseResource (resourceType: ScimResourceType, body: unknown): unknown {
  if (!isObject(body)) return body
  const type = RESOURCE_TYPE_DEFINITIONS[resourceType]
  const attributes = [...COMMON_ATTRIBUTES, ...type.schema.attributes, schemasAttribute]
  const result: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    const extension = type.extensions.find((candidate) => sameName(candidate.schema.id, key))
    if (extension && isObject(value)) {
      result[extension.schema.id] = canonicaliseObject(value, extension.schema.attributes)
      continue
    }
    const definition = findDefinition(attributes, key)
    result[definition?.name ?? key] = definition ? canonicaliseValue(value, definition) : value
  }
  return result
}

const schemasAttribute = { name: 'schemas' } as AttributeDefinition

function canonicaliseValue (value: unknown, definition: AttributeDefinition): unknown {
  if (!definition.subAttributes) return value
  if (Array.isArray(value)) return value.map((item) => isObject(item) ? canonicaliseObject(item, definition.subAttributes) : item)
  return isObject(value) ? canonicaliseObject(value, definition.subAttributes) : value
}

function canonicaliseObject (object: Record<string, unknown>, definitions: AttributeDefinition[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(object)) {
    const definition = findDefinition(definitions, key)
    result[definition?.name ?? key] = definition ? canonicaliseValue(value, definition) : value
  }
  return result
}
