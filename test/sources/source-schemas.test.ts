import t from 'tap'
import { readSourceSchema, SCHEMA_BASE, SOURCE_SCHEMA_FILES, sourceValidator } from '../../src/sources/source-schemas.js'
import { EMPLOYMENT_COLUMNS, UNIT_COLUMNS } from '../../src/sources/hr-csv-columns.js'
import { EMPLOYMENT_TYPES } from '../../src/sources/source-records.js'

/** Every `properties` member anywhere in a schema, with its path. */
function * properties (schema: unknown, path = ''): Generator<[string, Record<string, unknown>]> {
  if (typeof schema !== 'object' || schema === null) return
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, property] of Object.entries(value)) {
        yield [`${path}/${name}`, property as Record<string, unknown>]
        yield * properties(property, `${path}/${name}`)
      }
    } else if (key !== 'if') {
      yield * properties(value, `${path}/${key}`)
    }
  }
}

t.test('each schema is 2020-12 with an $id under behorig.se named after its file', async (t) => {
  for (const file of SOURCE_SCHEMA_FILES) {
    const schema = readSourceSchema(file)
    t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', file)
    t.equal(schema.$id, SCHEMA_BASE + file, file)
    t.type(schema.description, 'string', `${file} describes itself`)
  }
})

t.test('every property says what it means', async (t) => {
  for (const file of SOURCE_SCHEMA_FILES) {
    for (const [path, property] of properties(readSourceSchema(file))) {
      // properties under allOf/then only narrow members declared (and described) above
      if (path.includes('/allOf/')) continue
      t.ok(typeof property.description === 'string' && property.description.length > 10, `${file}${path} has a description`)
    }
  }
})

t.test('the CSV columns and the record types follow the employment schema', async (t) => {
  const employment = readSourceSchema('hr-employment.schema.json') as { properties: Record<string, { enum?: string[] }> }
  t.same(Object.keys(employment.properties).sort(), [...EMPLOYMENT_COLUMNS].sort())
  t.same(employment.properties.employment_type?.enum, [...EMPLOYMENT_TYPES])
  const unit = readSourceSchema('hr-unit.schema.json') as { properties: object }
  t.same(Object.keys(unit.properties).sort(), Object.values(UNIT_COLUMNS).sort())
})

t.test('the DESIGN.md snapshot example validates as a whole document', async (t) => {
  const validate = sourceValidator('hr-snapshot.schema.json')
  const example = {
    units: [{ id: 'soc', name: 'Socialförvaltningen', parent_id: null, kind: 'forvaltning', hsa_id: null }],
    employments: [{
      employment_id: 'E-1001',
      employee_number: '100234',
      given_name: 'Anna',
      family_name: 'Svensson',
      email: 'anna.svensson@exempel.se',
      personal_identity_number: '198112289874',
      service_id: null,
      unit_id: 'soc-eb-norr',
      position_code: '151010',
      title: 'Socialsekreterare',
      employment_type: 'tillsvidare',
      start_date: '2021-03-01',
      end_date: null,
      extent: 100
    }]
  }
  t.ok(validate(example), JSON.stringify(validate.errors))
  t.notOk(validate({ units: [], employments: [{ ...example.employments[0], employment_type: 'fast' }] }))
  t.notOk(validate({ units: [] }), 'employments is required')
})
