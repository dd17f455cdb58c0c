import t from 'tap'
import { ProblemError } from '../../src/http/problem.js'
import type { MappingRule } from '../../src/mapping/mapping-types.js'
import { assertValidMapping, validateMapping } from '../../src/mapping/mapping-validator.js'
import { context, mapping } from './helpers/mapping-builders.js'

const eb = (id: string, extra: Partial<MappingRule> = {}): MappingRule =>
  ({ id, when: { position_codes: ['151010'], unit_within: 'soc-eb' }, grant: ['socialtjanst.eb.handlaggare'], ...extra })

t.test('a valid mapping passes with the typed document and no warnings', async (t) => {
  const doc = mapping([eb('eb-handlaggare'), { id: 'bu', when: { unit_within: 'soc-bu' }, grant: ['socialtjanst.bu.handlaggare'] }])
  const result = validateMapping(doc, context())
  t.same(result, { errors: [], warnings: [], mapping: doc })
})

t.test('schema errors come first and stop further checks', async (t) => {
  const result = validateMapping({ domain: 'socialtjanst', catalog_version: '1.0.0', rules: [{ id: 'x', when: { position_codes: ['1'] }, grant: ['socialtjanst.nope.x'], extra: 1 }] }, context())
  t.same(result, { errors: [{ pointer: '/rules/0/extra', detail: 'is not allowed here; expected: id, description, when, grant' }], warnings: [] })
})

t.test('an attribute missing from the catalog version is an error at its pointer', async (t) => {
  const rules = [eb('a'), eb('b'), eb('c'), eb('d', { grant: ['socialtjanst.eb.handlaggare', 'socialtjanst.eb.hemlig'] })]
  const { errors, mapping: typed } = validateMapping(mapping(rules), context())
  t.same(errors, [{ pointer: '/rules/3/grant/1', detail: 'socialtjanst.eb.hemlig is not in catalog socialtjanst 1.0.0' }])
  t.equal(typed, undefined)
})

t.test('an attribute of another domain is an error', async (t) => {
  const { errors } = validateMapping(mapping([eb('a', { grant: ['skola.rektor'] })]), context())
  t.same(errors, [{ pointer: '/rules/0/grant/0', detail: 'skola.rektor belongs to domain skola, not to this mapping\'s domain socialtjanst' }])
})

t.test('an unknown catalog version is an error at /catalog_version', async (t) => {
  const { errors } = validateMapping({ ...mapping([eb('a')]), catalog_version: '9.0.0' }, context())
  t.same(errors, [{ pointer: '/catalog_version', detail: 'catalog socialtjanst 9.0.0 does not exist' }])
})

t.test('a deprecated attribute is a warning naming its replacement', async (t) => {
  const result = validateMapping(mapping([eb('lss', { grant: ['socialtjanst.fn.lss-handlaggare'] })]), context())
  t.same(result.errors, [])
  t.same(result.warnings, [{ pointer: '/rules/0/grant/0', code: 'deprecated-attribute', detail: 'socialtjanst.fn.lss-handlaggare is deprecated in catalog socialtjanst 1.0.0; use socialtjanst.fn.handlaggare instead' }])
  t.ok(result.mapping)
})

t.test('a repeated rule id is an error at the later rule', async (t) => {
  const { errors } = validateMapping(mapping([eb('a'), eb('b', { grant: ['socialtjanst.bu.handlaggare'] }), eb('a', { grant: ['socialtjanst.mott.handlaggare'] })]), context())
  t.same(errors, [{ pointer: '/rules/2/id', detail: 'repeats the id a of /rules/0' }])
})

t.test('invalid title patterns, and those no linear-time engine matches, are errors at the pattern', async (t) => {
  const { errors } = validateMapping(mapping([eb('a', { when: { any: [{ unit_within: 'soc' }, { titles: ['ok', '(sekreterare'] }, { titles: ['(\\w+\\s?)+$', 'chef(?!.*bitr)'] }] } })]), context())
  t.equal(errors.length, 2)
  t.equal(errors[0]?.pointer, '/rules/0/when/any/1/titles/1')
  t.match(errors[0]?.detail, /^the title pattern is not a valid regular expression/)
  t.equal(errors[1]?.pointer, '/rules/0/when/any/2/titles/1', 'a nested quantifier is fine; the lookahead is not')
  t.match(errors[1]?.detail, /^the title pattern uses lookahead or lookbehind/)
})

t.test('units and groups that are not known are warnings', async (t) => {
  const doc = mapping([eb('a', { when: { all: [{ unit_within: ['soc-eb', 'soc-gammal'] }, { not: { groups: ['cn=Finns,dc=se', 'cn=Saknas,dc=se'] } }] } })])
  const result = validateMapping(doc, context({ groupExists: (dn) => dn === 'cn=Finns,dc=se' }))
  t.same(result.errors, [])
  t.same(result.warnings.map((w) => [w.pointer, w.code]), [
    ['/rules/0/when/all/0/unit_within/1', 'unknown-unit'],
    ['/rules/0/when/all/1/not/groups/1', 'unknown-group']
  ])
  t.match(result.warnings[0]?.detail, /no unit soc-gammal is known \(yet\)/)
})

t.test('before any sync, references are warned about once, not checked', async (t) => {
  const doc = mapping([eb('a'), eb('b', { when: { unit_within: 'vof', groups: ['cn=X,dc=se'] }, grant: ['socialtjanst.bu.handlaggare'] })])
  const result = validateMapping(doc, { catalog: context().catalog })
  t.same(result.warnings, [
    { pointer: '', code: 'units-not-synced', detail: 'no units have been synced for the organisation yet, so the 2 unit references were not checked' },
    { pointer: '', code: 'groups-not-synced', detail: 'no groups have been synced for the organisation yet, so the 1 group reference was not checked' }
  ])
})

t.test('a rule that grants nothing new under the same condition is a warning', async (t) => {
  const copy = eb('b', { when: { unit_within: 'soc-eb', position_codes: ['151010'] } })
  const result = validateMapping(mapping([eb('a', { grant: ['socialtjanst.eb.handlaggare', 'socialtjanst.mott.handlaggare'] }), copy, eb('c', { grant: ['socialtjanst.bu.handlaggare'] })]), context())
  t.same(result.warnings, [{ pointer: '/rules/1', code: 'redundant-rule', detail: 'grants nothing that rule a (/rules/0) does not already grant under the same condition' }])
})

t.test('absurdly deep nesting is refused before the schema check', async (t) => {
  let when: any = { min_extent: 0 }
  for (let i = 0; i < 100; i++) when = { not: when }
  const { errors } = validateMapping(mapping([{ id: 'deep', when, grant: ['socialtjanst.eb.handlaggare'] }]), context())
  t.same(errors, [{ pointer: '', detail: 'nests deeper than 64 levels' }])
})

t.test('assertValidMapping throws a 422 problem carrying errors and warnings', async (t) => {
  const doc = mapping([eb('a', { grant: ['socialtjanst.fn.lss-handlaggare', 'socialtjanst.eb.hemlig'] })])
  const error = t.throws(() => assertValidMapping(doc, context())) as unknown as ProblemError
  t.ok(error instanceof ProblemError)
  t.equal(error.status, 422)
  t.equal(error.definition.slug, 'invalid-mapping')
  t.same(error.errors, [{ pointer: '/rules/0/grant/1', detail: 'socialtjanst.eb.hemlig is not in catalog socialtjanst 1.0.0' }])
  t.match(error.extensions, { warnings: [{ code: 'deprecated-attribute', pointer: '/rules/0/grant/0' }] })
  const ok = assertValidMapping(mapping([eb('a')]), context())
  t.same(ok.warnings, [])
  t.equal(ok.mapping.rules[0]?.id, 'a')
})
