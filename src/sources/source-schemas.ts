import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { packageRoot } from '../store/package-root.js'

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default

export const SCHEMA_BASE = 'https://behorig.se/schemas/'

/** The schemas this capability validates with, by file name in schemas/. */
export const SOURCE_SCHEMA_FILES = [
  'hr-unit.schema.json',
  'hr-employment.schema.json',
  'hr-snapshot.schema.json',
  'source-hr.schema.json',
  'source-scim.schema.json',
  'source-ldap.schema.json',
  'source.schema.json'
] as const

export type SourceSchemaFile = typeof SOURCE_SCHEMA_FILES[number]

let ajv: Ajv2020 | undefined

/** A schema document from schemas/, read from the package (works from src/ and dist/). */
export function readSourceSchema (file: SourceSchemaFile): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), 'schemas', file), 'utf8')) as Record<string, unknown>
}

/**
 * One ajv for all source documents, so `$ref`s between the schemas resolve. `useDefaults`
 * fills documented defaults in (source configs are stored with them); HR records have none.
 */
function sourceAjv (): Ajv2020 {
  if (ajv) return ajv
  const instance = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, useDefaults: true })
  addFormats(instance, ['date', 'email', 'uri'])
  for (const file of SOURCE_SCHEMA_FILES) instance.addSchema(readSourceSchema(file))
  ajv = instance
  return instance
}

export function sourceValidator (file: SourceSchemaFile): ValidateFunction {
  const validate = sourceAjv().getSchema(SCHEMA_BASE + file)
  if (!validate) throw new Error(`schema ${file} not loaded`)
  return validate
}
