import t from 'tap'
import { mappingSchema, schemaErrors } from '../../src/mapping/mapping-schema-check.js'
import { CONDITION_KEYS, EMPLOYMENT_TYPES } from '../../src/mapping/mapping-types.js'

const schema = mappingSchema() as any

const designExample = {
  domain: 'socialtjanst',
  catalog_version: '1.0.0',
  rules: [
    {
      id: 'eb-handlaggare',
      description: 'Socialsekreterare på enheterna för ekonomiskt bistånd',
      when: { all: [{ position_codes: ['151010'] }, { unit_within: 'soc-eb' }, { employment_types: ['tillsvidare', 'visstid', 'vikariat'] }] },
      grant: ['socialtjanst.eb.handlaggare']
    },
    { id: 'eb-via-grupp', when: { groups: ['cn=SOC-EB-Handlaggare,ou=groups,dc=exempel,dc=se'] }, grant: ['socialtjanst.eb.handlaggare'] }
  ]
}

function withRule (rule: Record<string, unknown>): unknown {
  return { domain: 'socialtjanst', catalog_version: '1.0.0', rules: [{ id: 'r', grant: ['socialtjanst.eb.handlaggare'], ...rule }] }
}

t.test('the schema is 2020-12 with the published $id', async (t) => {
  t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
  t.equal(schema.$id, 'https://behorig.se/schemas/mapping/1.0.0')
})

t.test('every property in the schema has a description', async (t) => {
  const missing: string[] = []
  const visit = (node: any, path: string): void => {
    if (node === null || typeof node !== 'object') return
    for (const [name, sub] of Object.entries(node.properties ?? {})) {
      if (typeof (sub as any).description !== 'string') missing.push(`${path}/${name}`)
    }
    for (const [key, value] of Object.entries(node)) visit(value, `${path}/${key}`)
  }
  visit(schema, '')
  t.same(missing, [])
})

t.test('the condition keys and employment types are those the code knows', async (t) => {
  const condition = schema.$defs.condition
  t.same(Object.keys(condition.properties).sort(), [...CONDITION_KEYS].sort())
  t.same(condition.properties.employment_types.items.enum, [...EMPLOYMENT_TYPES])
})

t.test('the DESIGN.md example is valid', async (t) => {
  t.same(schemaErrors(designExample), [])
})

t.test('several keys in one condition object are accepted (an implicit all)', async (t) => {
  t.same(schemaErrors(withRule({ when: { position_codes: ['151010'], unit_within: ['soc-eb', 'soc-bu'], min_extent: 50 } })), [])
})

t.test('a missing member is reported at the pointer where it belongs', async (t) => {
  t.same(schemaErrors({ domain: 'socialtjanst', rules: [{ id: 'r', when: { min_extent: 1 } }] }), [
    { pointer: '/catalog_version', detail: 'is required' },
    { pointer: '/rules/0/grant', detail: 'is required' }
  ])
})

t.test('an unknown condition names the ones that exist', async (t) => {
  const errors = schemaErrors(withRule({ when: { all: [{ unit: 'soc-eb' }] } }))
  t.equal(errors.length, 1)
  t.equal(errors[0]?.pointer, '/rules/0/when/all/0/unit')
  t.match(errors[0]?.detail, /is not a condition; a condition holds one or more of: all, any, not, position_codes/)
})

t.test('an unquoted position code gets a hint to quote it', async (t) => {
  t.same(schemaErrors(withRule({ when: { position_codes: [151010] } })), [
    { pointer: '/rules/0/when/position_codes/0', detail: 'must be a string (quote it in YAML, e.g. "151010", so leading zeros survive)' }
  ])
})

t.test('patterns are explained in words', async (t) => {
  const errors = schemaErrors({ domain: 'socialtjanst', catalog_version: '1.0', rules: [{ id: 'Bad Id', when: { groups: ['SOC-EB'] }, grant: ['handlaggare'] }] })
  t.same(errors, [
    { pointer: '/catalog_version', detail: 'must be a semantic version such as 1.0.0' },
    { pointer: '/rules/0/id', detail: 'must be lower-case letters, digits and hyphens, starting with a letter or digit' },
    { pointer: '/rules/0/when/groups/0', detail: 'must be a distinguished name such as cn=SOC-EB-Handlaggare,ou=groups,dc=exempel,dc=se' },
    { pointer: '/rules/0/grant/0', detail: 'must be a catalog attribute id such as socialtjanst.eb.handlaggare' }
  ])
})

t.test('ranges, enums, empty lists and duplicates are refused', async (t) => {
  t.same(schemaErrors(withRule({ when: { min_extent: 101 } })), [{ pointer: '/rules/0/when/min_extent', detail: 'must be <= 100' }])
  t.same(schemaErrors(withRule({ when: { employment_types: ['fast'] } })), [{ pointer: '/rules/0/when/employment_types/0', detail: 'must be one of: tillsvidare, visstid, vikariat, timavlonad, uppdrag' }])
  t.same(schemaErrors(withRule({ when: {} })), [{ pointer: '/rules/0/when', detail: 'must hold at least one condition' }])
  t.same(schemaErrors(withRule({ when: { any: [] } })), [{ pointer: '/rules/0/when/any', detail: 'must have at least 1 item' }])
  t.same(schemaErrors(withRule({ when: { unit_within: '' } })), [{ pointer: '/rules/0/when/unit_within', detail: 'must not be empty' }])
  t.same(schemaErrors(withRule({ when: { unit_within: 7 } })), [{ pointer: '/rules/0/when/unit_within', detail: 'must be a string or a list' }])
  const dup = schemaErrors(withRule({ when: { min_extent: 0 }, grant: ['socialtjanst.eb.handlaggare', 'socialtjanst.bu.handlaggare', 'socialtjanst.eb.handlaggare'] }))
  t.same(dup, [{ pointer: '/rules/0/grant/2', detail: 'repeats item 0' }])
})

t.test('unknown top-level members are refused', async (t) => {
  t.same(schemaErrors({ ...designExample, version: 3 }), [{ pointer: '/version', detail: 'is not allowed here; expected: domain, catalog_version, description, rules' }])
})

t.test('a document that is not an object is refused at the root', async (t) => {
  t.same(schemaErrors(null), [{ pointer: '', detail: 'must be an object' }])
})
