import t from 'tap'
import { compileMapping } from '../../src/mapping/mapping-compiler.js'
import { CATALOG, DAY, compileOne, employment, mapping, person, unitTree } from './helpers/mapping-builders.js'

t.test('an organisation-wide attribute is one grant with unit_id null', async (t) => {
  const facts = person([employment({ unit_id: 'soc-eb-norr' }), employment({ unit_id: 'soc-eb-syd' })])
  const grants = compileOne({ unit_within: 'soc-eb' }).evaluatePerson(facts, DAY)
  t.equal(grants.length, 1)
  t.match(grants[0], { attribute_id: 'socialtjanst.eb.handlaggare', unit_id: null })
})

t.test('a unit-scoped attribute is granted once per unit of the matching employments', async (t) => {
  const north = employment({ unit_id: 'soc-eb-norr', position_code: '131010' })
  const south = employment({ unit_id: 'soc-eb-syd', position_code: '131010' })
  const elsewhere = employment({ unit_id: 'soc-bu', position_code: '151010' })
  const grants = compileOne({ position_codes: ['131010'] }, ['socialtjanst.eb.enhetschef']).evaluatePerson(person([north, south, elsewhere]), DAY)
  t.same(grants.map((g) => [g.unit_id, g.provenance[0]?.employment_ids]), [
    ['soc-eb-norr', [north.employment_id]],
    ['soc-eb-syd', [south.employment_id]]
  ])
})

t.test('validity spans the justifying employments: earliest start to latest end', async (t) => {
  const a = employment({ start_date: '2020-01-01', end_date: '2025-12-31' })
  const b = employment({ start_date: '2023-05-01', end_date: '2026-06-30' })
  const grants = compileOne({ position_codes: ['151010'] }).evaluatePerson(person([a, b]), DAY)
  t.match(grants[0], { valid_from: '2020-01-01', valid_until: '2026-06-30' })
  t.same(grants[0]?.provenance[0]?.employment_ids, [a.employment_id, b.employment_id])
})

t.test('one open-ended justifying employment makes the grant open-ended', async (t) => {
  const grants = compileOne({ position_codes: ['151010'] }).evaluatePerson(person([
    employment({ start_date: '2024-01-01', end_date: '2025-12-31' }),
    employment({ start_date: '2022-02-01', end_date: null })
  ]), DAY)
  t.match(grants[0], { valid_from: '2022-02-01', valid_until: null })
})

t.test('employments that do not justify the grant do not stretch its validity', async (t) => {
  const grants = compileOne({ unit_within: 'soc-eb' }).evaluatePerson(person([
    employment({ unit_id: 'soc-eb-norr', start_date: '2024-01-01', end_date: '2025-12-31' }),
    employment({ unit_id: 'soc-bu', start_date: '2010-01-01', end_date: null }),
    employment({ unit_id: 'soc-eb-syd', start_date: '2001-01-01', end_date: '2019-12-31' })
  ]), DAY)
  t.match(grants[0], { valid_from: '2024-01-01', valid_until: '2025-12-31' })
})

t.test('two rules granting the same attribute merge into one grant with both in provenance', async (t) => {
  const dn = 'cn=SOC-EB-Handlaggare,ou=groups,dc=exempel,dc=se'
  const compiled = compileMapping(mapping([
    { id: 'eb-kod', when: { position_codes: ['151010'] }, grant: ['socialtjanst.eb.handlaggare'] },
    { id: 'eb-grupp', when: { groups: [dn] }, grant: ['socialtjanst.eb.handlaggare', 'socialtjanst.mott.handlaggare'] }
  ]), { mapping_version: 7, catalog: CATALOG, units: unitTree() })
  const e = employment()
  const grants = compiled.evaluatePerson(person([e], [{ dn, via: ['cn=EB-Norr,ou=groups,dc=exempel,dc=se'] }]), DAY)
  t.same(grants.map((g) => g.attribute_id), ['socialtjanst.eb.handlaggare', 'socialtjanst.mott.handlaggare'])
  t.same(grants[0]?.provenance, [
    { mapping_version: 7, rule_id: 'eb-kod', employment_ids: [e.employment_id], group_dns: [], group_via: {} },
    { mapping_version: 7, rule_id: 'eb-grupp', employment_ids: [e.employment_id], group_dns: [dn], group_via: { [dn]: ['cn=EB-Norr,ou=groups,dc=exempel,dc=se'] } }
  ])
})

t.test('a group reached by several paths is cited once, by the shortest path', async (t) => {
  const dn = 'cn=Jour,ou=groups,dc=exempel,dc=se'
  const grants = compileOne({ groups: [dn] }).evaluatePerson(person([employment()], [
    { dn, via: ['cn=A,ou=groups,dc=exempel,dc=se', 'cn=B,ou=groups,dc=exempel,dc=se'] },
    { dn, via: ['cn=C,ou=groups,dc=exempel,dc=se'] }
  ]), DAY)
  t.same(grants[0]?.provenance[0]?.group_via, { [dn]: ['cn=C,ou=groups,dc=exempel,dc=se'] })
})

t.test('a negated group is not cited as evidence', async (t) => {
  const grants = compileOne({ any: [{ groups: ['cn=X,dc=se'] }, { not: { groups: ['cn=Y,dc=se'] } }] })
    .evaluatePerson(person([employment()], [{ dn: 'cn=Z,dc=se' }]), DAY)
  t.same(grants[0]?.provenance[0]?.group_dns, [])
})

t.test('a person without active employments gets no grants', async (t) => {
  t.same(compileOne({ min_extent: 0 }).evaluatePerson(person([employment({ end_date: '2020-01-01' })]), DAY), [])
})

t.test('an attribute the catalog does not know is granted organisation-wide', async (t) => {
  const grants = compileOne({ min_extent: 0 }, ['socialtjanst.nowhere.x']).evaluatePerson(person([employment()]), DAY)
  t.equal(grants[0]?.unit_id, null)
})
