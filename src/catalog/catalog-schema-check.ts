import { encodePointerToken } from '../http/json-pointer.js'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { catalogJsonSchema } from './catalog-document-schema.js'
import type { CatalogRule, CatalogViolation } from './catalog-types.js'

let compiled: ValidateFunction | undefined

function validator (): ValidateFunction {
  if (!compiled) {
    // The anyOf/then branches state only `required` (about properties declared beside
    // them), which is plain 2020-12 but trips ajv's stricter-than-spec type/required checks.
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false })
    addFormats.default(ajv)
    compiled = ajv.compile(catalogJsonSchema())
  }
  return compiled
}

/** Schema violations of one document, each pointing at the offending value. */
export function schemaViolations (file: string, document: unknown): CatalogViolation[] {
  const validate = validator()
  if (validate(document)) return []
  const seen = new Set<string>()
  const violations: CatalogViolation[] = []
  for (const error of validate.errors ?? []) {
    const violation = toViolation(file, document, error)
    if (!violation) continue
    const key = `${violation.pointer}\n${violation.message}`
    if (!seen.has(key)) {
      seen.add(key)
      violations.push(violation)
    }
  }
  return violations
}

const PATTERN_HINTS: Record<string, string> = {
  id: 'is not a well-formed attribute id: use lowercase ASCII letters and digits in dot-separated parts (hyphens inside parts), starting with the domain, e.g. socialtjanst.eb.handlaggare',
  replaced_by: 'is not a well-formed attribute id such as socialtjanst.eb.handlaggare',
  domain: 'is not a domain name: lowercase ASCII letters and digits, e.g. socialtjanst',
  version: 'is not a version of the form MAJOR.MINOR.PATCH, e.g. 1.0.0',
  sfs: 'is not an SFS number of the form year:number, e.g. "2025:400" (quote it in YAML)',
  code: 'is not a code: lowercase ASCII letters, digits and hyphens, e.g. eb',
  area: 'is not an area code: lowercase ASCII letters, digits and hyphens, e.g. eb',
  function: 'is not a function code: lowercase ASCII letters, digits and hyphens, e.g. handlaggare',
  entitlement: 'is not an entitlement URI: urn:behorig:entitlement:<attribute id>, or an https URI without ?, #, whitespace or ":unit:"'
}

const TYPE_NAMES: Record<string, string> = { string: 'text', array: 'a list', object: 'a mapping of fields', boolean: 'true or false' }

/** Undefined for errors that only restate another one (the branches of anyOf, the `if` of if/then). */
function toViolation (file: string, document: unknown, error: ErrorObject): CatalogViolation | undefined {
  const at = error.instancePath
  const params = error.params as Record<string, unknown>
  const where = subject(document, at)
  const field = fieldName(at)
  const make = (pointer: string, message: string, rule: CatalogRule = 'schema'): CatalogViolation => ({ file, pointer, message, rule })
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty)
      // The branches of anyOf: the anyOf's own error says what is wrong.
      if (error.schemaPath.includes('/anyOf/')) return undefined
      return make(`${at}/${encodePointerToken(missing)}`, `${where} lacks "${missing}", which is required.`)
    }
    case 'additionalProperties':
      return make(`${at}/${encodePointerToken(String(params.additionalProperty))}`, `${where} has a field "${String(params.additionalProperty)}" that catalogs do not have; check its spelling or remove it.`)
    case 'anyOf':
      // Two anyOf: a deprecated attribute's replaced_by or deprecation_note, a reference's sfs or version.
      if (error.schemaPath.endsWith('/then/anyOf')) {
        return make(at, `${where} is deprecated but neither names the attribute that replaces it (replaced_by) nor says in a deprecation_note why there is none; add one of them.`, 'replaced-by-required')
      }
      return make(at, `${where} names neither an SFS number (sfs) nor another version designation (version) of the act; give one.`)
    case 'if':
      return undefined
    case 'pattern':
      return make(at, `${where}: ${JSON.stringify(valueAt(document, at))} ${PATTERN_HINTS[field] ?? `does not match ${String(params.pattern)}`}.`, field === 'id' ? 'id-format' : 'schema')
    case 'type':
      return make(at, `${where}: "${field}" must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}.`)
    case 'enum':
      return make(at, `${where}: "${field}" must be one of ${(params.allowedValues as unknown[]).join(', ')}; it is ${JSON.stringify(valueAt(document, at))}.`)
    case 'format':
      return make(at, `${where}: "${field}" must be ${params.format === 'date' ? 'a date written YYYY-MM-DD' : `a ${String(params.format)}`}.`)
    case 'minLength':
      return make(at, `${where}: "${field}" must not be empty.`)
    case 'minItems':
      return make(at, `${where}: "${field}" must list at least ${String(params.limit)}.`)
    default:
      return make(at, `${where}: "${field}" ${error.message ?? `fails ${error.keyword}`}.`)
  }
}

/** How a steward would name the place: the attribute by its id where there is one. */
function subject (document: unknown, pointer: string): string {
  const match = /^\/attributes\/(\d+)/.exec(pointer)
  if (match) {
    const id = (valueAt(document, `/attributes/${match[1]}`) as { id?: unknown } | undefined)?.id
    return typeof id === 'string' ? `Attribute ${id}` : `Attribute number ${Number(match[1]) + 1}`
  }
  const list = /^\/(areas|functions)\/(\d+)/.exec(pointer)
  if (list) return `Entry ${Number(list[2]) + 1} of ${list[1]}`
  return 'The catalog'
}

/** Resolves a JSON Pointer (RFC 6901) in a parsed document. */
export function valueAt (document: unknown, pointer: string): unknown {
  if (pointer === '') return document
  let current: unknown = document
  for (const raw of pointer.slice(1).split('/')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return current
}

/** The field a value belongs to, skipping list positions: `/attributes/3/id` → `id`. */
function fieldName (pointer: string): string {
  const parts = pointer.split('/').filter((p) => p !== '' && !/^\d+$/.test(p))
  return parts[parts.length - 1] ?? 'document'
}
