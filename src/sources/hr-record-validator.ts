import type { ErrorObject } from 'ajv'
import { parsePersonalIdentityNumber } from '../identifiers/personal-identity-number.js'
import { decodePointerToken, encodePointerToken } from '../http/json-pointer.js'
import { sourceValidator } from './source-schemas.js'
import {
  employmentKey, EMPLOYMENT_TYPES,
  type EmploymentItem, type EmploymentRecord, type QuarantineCode, type QuarantineItem,
  type QuarantineProblem, type RecordType, type UnitItem, type UnitRecord
} from './source-records.js'

/**
 * Where a record sits in its snapshot. `fieldName` renames a record field to what the
 * file calls it (the CSV column of a unit field), for pointers and reasons alike.
 */
export interface RecordPlace {
  row: number
  pointer: string
  fieldName?: (field: string) => string
}

/** Checks one raw employment (a JSON element, or a CSV row already shaped like one). */
export function validateEmployment (raw: unknown, place: RecordPlace): EmploymentItem | QuarantineItem {
  if (!isObject(raw)) return quarantine('employment', raw, place, [notAnObject('employment', place)])
  const found = schemaProblems('hr-employment.schema.json', raw, place)
  const problems = inFieldOrder('hr-employment.schema.json', [...found, ...employmentRuleProblems(raw, found, place)])
  if (problems.length > 0) return quarantine('employment', raw, place, problems)
  return { type: 'employment', row: place.row, pointer: place.pointer, record: toEmploymentRecord(raw) }
}

/** Checks one raw unit (`{ id, name, parent_id, kind, hsa_id, school_unit_code }`). */
export function validateUnit (raw: unknown, place: RecordPlace): UnitItem | QuarantineItem {
  if (!isObject(raw)) return quarantine('unit', raw, place, [notAnObject('unit', place)])
  const problems = inFieldOrder('hr-unit.schema.json', schemaProblems('hr-unit.schema.json', raw, place))
  if (problems.length > 0) return quarantine('unit', raw, place, problems)
  const record: UnitRecord = {
    unit_id: raw.id as string,
    name: raw.name as string,
    parent_id: nullable(raw.parent_id),
    kind: nullable(raw.kind),
    hsa_id: nullable(raw.hsa_id),
    school_unit_code: nullable(raw.school_unit_code)
  }
  return { type: 'unit', row: place.row, pointer: place.pointer, record }
}

/** Builds a quarantine item; the personnummer is dropped from `raw` (it is never echoed). */
export function quarantine (recordType: RecordType, raw: unknown, place: RecordPlace, problems: QuarantineProblem[]): QuarantineItem {
  const first = problems[0]
  if (!first) throw new Error('a quarantined record needs at least one problem')
  return {
    type: 'quarantine',
    record_type: recordType,
    row: place.row,
    pointer: first.pointer,
    code: first.code,
    reason: first.reason,
    problems,
    raw: withoutPersonalIdentityNumber(raw)
  }
}

type RecordSchema = 'hr-employment.schema.json' | 'hr-unit.schema.json'

/** A problem with the record field it is about, so problems can be listed in field order. */
interface FieldProblem extends QuarantineProblem { field: string }

function notAnObject (recordType: RecordType, place: RecordPlace): QuarantineProblem {
  return { pointer: place.pointer, code: 'not-an-object', reason: `the ${recordType} must be an object` }
}

function schemaProblems (schema: RecordSchema, raw: Record<string, unknown>, place: RecordPlace): FieldProblem[] {
  const validate = sourceValidator(schema)
  if (validate(raw)) return []
  const problems = new Map<string, FieldProblem>()
  for (const error of validate.errors ?? []) {
    const problem = toProblem(error, place)
    if (problem && !problems.has(problem.pointer)) problems.set(problem.pointer, problem) // one problem per field is enough
  }
  return [...problems.values()]
}

/** Sorts by the schema's field order, so the first problem (the one shown) does not depend on ajv's. */
function inFieldOrder (schema: RecordSchema, problems: FieldProblem[]): QuarantineProblem[] {
  const fields = Object.keys(readSchemaProperties(schema))
  const rank = (field: string): number => { const i = fields.indexOf(field); return i < 0 ? fields.length : i }
  return problems
    .sort((a, b) => rank(a.field) - rank(b.field))
    .map(({ pointer, code, reason }) => ({ pointer, code, reason }))
}

function readSchemaProperties (schema: RecordSchema): object {
  return (sourceValidator(schema).schema as { properties: object }).properties
}

function fieldOf (error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'required') return String(params.missingProperty)
  if (error.keyword === 'additionalProperties') return String(params.additionalProperty)
  return decodePointerToken(error.instancePath.slice(1))
}

function toProblem (error: ErrorObject, place: RecordPlace): FieldProblem | undefined {
  const params = error.params as Record<string, unknown>
  const field = fieldOf(error)
  const name = place.fieldName?.(field) ?? field
  const pointer = `${place.pointer}/${encodePointerToken(name)}`
  if (field === 'personal_identity_number' && error.keyword === 'pattern') return undefined // checked in code, with a reason
  const problem = (code: QuarantineCode, reason: string): FieldProblem => ({ field, pointer, code, reason })
  switch (error.keyword) {
    case 'required': return problem(field === 'employee_number' ? 'missing-employee-number' : 'missing-field', `${name} is missing`)
    case 'additionalProperties': return problem('unknown-field', `"${truncate(name)}" is not a field of ${place.fieldName ? 'this record' : 'an HR record'}`)
    case 'enum': return problem('bad-employment-type', `${name} must be one of ${EMPLOYMENT_TYPES.join(', ')}`)
    case 'minimum':
    case 'maximum': return problem('extent-out-of-range', `${name} must be between 0 and 100 (percent of full time)`)
  }
  if (field === 'start_date' || field === 'end_date') return problem('malformed-date', `${name} must be a real date written YYYY-MM-DD`)
  if (field === 'email' && error.keyword === 'format') return problem('bad-email', `${name} is not an e-mail address`)
  if (field === 'employee_number' && error.keyword === 'minLength') return problem('missing-employee-number', `${name} is empty`)
  if (error.keyword === 'type') return problem('invalid-field', `${name} must be ${typeWords(String(params.type))}`)
  return problem('invalid-field', `${name} ${error.message ?? 'is not valid'}`)
}

/** Rules JSON Schema cannot say: personnummer date and check digit, end not before start. */
function employmentRuleProblems (raw: Record<string, unknown>, found: FieldProblem[], place: RecordPlace): FieldProblem[] {
  const problems: FieldProblem[] = []
  const at = (field: string): string => `${place.pointer}/${place.fieldName?.(field) ?? field}`
  const pin = raw.personal_identity_number
  if (typeof pin === 'string') {
    const result = parsePersonalIdentityNumber(pin)
    if (!result.ok || result.value !== pin) {
      const reason = result.ok ? 'must be 12 digits without a hyphen' : result.message
      problems.push({ field: 'personal_identity_number', pointer: at('personal_identity_number'), code: 'bad-personal-identity-number', reason: `personal_identity_number ${reason}` })
    }
  }
  const dateOk = (field: string): boolean => !found.some((p) => p.field === field)
  const { start_date: start, end_date: end } = raw
  if (typeof start === 'string' && typeof end === 'string' && dateOk('start_date') && dateOk('end_date') && end < start) {
    problems.push({ field: 'end_date', pointer: at('end_date'), code: 'end-before-start', reason: `end_date ${end} is before start_date ${start}` })
  }
  return problems
}

function toEmploymentRecord (raw: Record<string, unknown>): EmploymentRecord {
  const base = {
    employment_id: nullable(raw.employment_id),
    employee_number: raw.employee_number as string,
    unit_id: raw.unit_id as string,
    start_date: raw.start_date as string
  }
  return {
    employment_key: employmentKey(base),
    ...base,
    given_name: nullable(raw.given_name),
    family_name: nullable(raw.family_name),
    email: nullable(raw.email),
    personal_identity_number: nullable(raw.personal_identity_number),
    service_id: nullable(raw.service_id),
    hsa_id: nullable(raw.hsa_id),
    position_code: nullable(raw.position_code),
    title: nullable(raw.title),
    employment_type: raw.employment_type as EmploymentRecord['employment_type'],
    end_date: nullable(raw.end_date),
    extent: typeof raw.extent === 'number' ? raw.extent : null
  }
}

function withoutPersonalIdentityNumber (raw: unknown): unknown {
  if (!isObject(raw) || !('personal_identity_number' in raw)) return raw
  const { personal_identity_number: _omitted, ...rest } = raw
  return rest
}

function typeWords (types: string): string {
  const words = types.split(',').map((type) => ({ string: 'text', number: 'a number', object: 'an object', null: 'null' })[type] ?? type).join(' or ')
  return types.startsWith('string') ? `${words} (quote numbers, so leading zeros survive)` : words
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nullable (value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

function truncate (text: string): string {
  return text.length > 64 ? text.slice(0, 61) + '…' : text
}
