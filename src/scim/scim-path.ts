import { RESOURCE_TYPE_DEFINITIONS, type ScimResourceType } from './scim-attributes.js'
import { knownSchemaUrn, parseAttributePath, resolveAttribute, type AttributePath, type ResolvedAttribute } from './scim-attribute-lookup.js'
import { invalidPath, ScimError } from './scim-errors.js'
import type { ScimFilter } from './filter/ast.js'
import { tokenize } from './filter/lexer.js'
import { parseValueFilter } from './filter/parser.js'
import { checkFilter } from './filter/index.js'

/**
 * A PATCH `path` (RFC 7644 §3.5.2: `PATH = attrPath / valuePath [subAttr]`), resolved against
 * the resource type: the attribute, an optional value filter selecting values of a
 * multi-valued attribute, an optional sub-attribute. A path that is exactly an extension's
 * URN targets the whole extension object.
 */
export type PatchPath =
  | { kind: 'extension', urn: string }
  | { kind: 'attribute', text: string, attribute: ResolvedAttribute, filter?: ScimFilter }

export function parsePatchPath (text: string, resourceType: ScimResourceType): PatchPath {
  const type = RESOURCE_TYPE_DEFINITIONS[resourceType]
  const urn = knownSchemaUrn(text.trim())
  if (urn && type.extensions.some((extension) => extension.schema.id === urn)) return { kind: 'extension', urn }
  const { path, filter } = asInvalidPath(text, () => splitPath(text))
  if (path.schema !== undefined) {
    const known = knownSchemaUrn(path.schema)
    if (known && known !== type.schema.id && !type.extensions.some((extension) => extension.schema.id === known)) {
      throw invalidPath(`"${text}": ${known} is not a schema of ${resourceType} resources`)
    }
  }
  const attribute = resolveAttribute(resourceType, path)
  const definition = attribute.definition
  if (definition && definition.type !== 'complex' && attribute.sub) throw invalidPath(`"${text}": ${definition.name} has no sub-attributes`)
  if (definition && filter && !definition.multiValued) throw invalidPath(`"${text}": only multi-valued attributes take a value filter`)
  if (filter) asInvalidPath(text, () => checkFilter(filter, { kind: 'value', definitions: definition?.subAttributes }))
  return { kind: 'attribute', text, attribute, ...(filter ? { filter } : {}) }
}

function splitPath (text: string): { path: AttributePath, filter?: ScimFilter } {
  const tokens = tokenize(text)
  const first = tokens[0]
  const path = first?.kind === 'word' ? parseAttributePath(first.text) : undefined
  if (!path) throw invalidPath(`"${text}" is not an attribute path`)
  if (tokens[1]?.kind === 'end') return { path }
  if (tokens[1]?.kind !== '[' || path.subAttribute !== undefined) throw invalidPath(`"${text}" is not an attribute path`)
  const { filter, next } = parseValueFilter(tokens, 2)
  if (tokens[next]?.kind !== ']') throw invalidPath(`"${text}": expected "]" after the value filter`)
  const sub = tokens[next + 1]
  if (sub?.kind === 'subAttribute' && tokens[next + 2]?.kind === 'end') return { path: { ...path, subAttribute: sub.text }, filter }
  if (sub?.kind !== 'end') throw invalidPath(`"${text}": unexpected text after the value filter`)
  return { path, filter }
}

/** A malformed filter inside a path is a malformed path (RFC 7644 §3.12 `invalidPath`). */
function asInvalidPath<T> (text: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') throw invalidPath(`"${text}": ${error.detail}`)
    throw error
  }
}
