import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import type { ProblemFieldError } from '../http/problem.js'
import { encodePointerToken } from '../http/json-pointer.js'
import { distinctErrors } from '../http/schema-errors.js'
import { packageRoot } from '../store/package-root.js'

let validate: ValidateFunction | undefined

/** schemas/mapping.schema.json, read once from the package (works from src/ and dist/). */
export function mappingSchema (): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'mapping.schema.json'), 'utf8')) as Record<string, unknown>
}

/** Schema violations as JSON Pointers into the document, with details a steward can act on. */
export function schemaErrors (doc: unknown): ProblemFieldError[] {
  validate ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(mappingSchema())
  if (validate(doc)) return []
  return distinctErrors((validate.errors ?? []).map(toFieldError))
}

const PATTERN_HINTS: Record<string, string> = {
  domain: 'must be a catalog domain such as socialtjanst (lower-case letters, digits, hyphens)',
  catalog_version: 'must be a semantic version such as 1.0.0',
  id: 'must be lower-case letters, digits and hyphens, starting with a letter or digit',
  grant: 'must be a catalog attribute id such as socialtjanst.eb.handlaggare',
  groups: 'must be a distinguished name such as cn=SOC-EB-Handlaggare,ou=groups,dc=exempel,dc=se'
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', array: 'a list', object: 'an object', number: 'a number' }

function toFieldError (error: ErrorObject): ProblemFieldError {
  const at = error.instancePath
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { pointer: `${at}/${encodePointerToken(String(params.missingProperty))}`, detail: 'is required' }
    case 'additionalProperties': {
      const name = String(params.additionalProperty)
      const allowed = Object.keys((error.parentSchema?.properties ?? {}) as object)
      const what = allowed.includes('unit_within') ? `is not a condition; a condition holds one or more of: ${allowed.join(', ')}` : `is not allowed here; expected: ${allowed.join(', ')}`
      return { pointer: `${at}/${encodePointerToken(name)}`, detail: what }
    }
    case 'type': {
      const expected = String(params.type).split(',').map((t) => TYPE_NAMES[t] ?? t).join(' or ')
      const hint = typeof error.data === 'number' && params.type === 'string' ? ' (quote it in YAML, e.g. "151010", so leading zeros survive)' : ''
      return { pointer: at, detail: `must be ${expected}${hint}` }
    }
    case 'enum':
      return { pointer: at, detail: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` }
    case 'pattern':
      return { pointer: at, detail: PATTERN_HINTS[fieldName(at)] ?? `must match ${String(params.pattern)}` }
    case 'uniqueItems':
      // ajv scans from the end, so `j` is the later of the two equal items.
      return { pointer: `${at}/${String(params.j)}`, detail: `repeats item ${String(params.i)}` }
    case 'minItems':
      return { pointer: at, detail: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` }
    case 'minProperties':
      return { pointer: at, detail: 'must hold at least one condition' }
    case 'minLength':
      return { pointer: at, detail: 'must not be empty' }
    default:
      return { pointer: at, detail: error.message ?? `fails ${error.keyword}` }
  }
}

/** The property a value belongs to, skipping array indices: `/rules/0/grant/2` → `grant`. */
function fieldName (pointer: string): string {
  const parts = pointer.split('/').filter((p) => p !== '' && !/^\d+$/.test(p))
  return parts[parts.length - 1] ?? ''
}
