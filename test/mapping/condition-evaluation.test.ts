import t from 'tap'
import { compileOne, employment, matches, person } from './helpers/mapping-builders.js'
import type { Condition } from '../../src/mapping/mapping-types.js'

t.test('position_codes match the employment\'s code exactly', async (t) => {
  t.ok(matches({ position_codes: ['151010', '151020'] }, person([employment({ position_code: '151020' })])))
  t.notOk(matches({ position_codes: ['151010'] }, person([employment({ position_code: '1510100' })])))
  t.notOk(matches({ position_codes: ['151010'] }, person([employment({ position_code: null })])))
})

t.test('titles are case-insensitive, unanchored regular expressions', async (t) => {
  t.ok(matches({ titles: ['socialsekreterare'] }, person([employment({ title: 'Förste SOCIALSEKRETERARE' })])))
  t.ok(matches({ titles: ['^förste'] }, person([employment({ title: 'Förste socialsekreterare' })])))
  t.notOk(matches({ titles: ['^socialsekreterare$'] }, person([employment({ title: 'Förste socialsekreterare' })])))
  t.notOk(matches({ titles: ['.'] }, person([employment({ title: null })])))
})

t.test('a stored title pattern the linear-time engine cannot match matches no title; the others still do', async (t) => {
  const chef = person([employment({ title: 'Enhetschef' })])
  t.notOk(matches({ titles: ['chef(?!x)'] }, chef), 'a lookahead, accepted before patterns ran on RE2')
  t.ok(matches({ titles: ['chef(?!x)', 'chef$'] }, chef))
})

t.test('unit_within matches the unit itself and its descendants, not siblings or parents', async (t) => {
  const at = (unitId: string) => person([employment({ unit_id: unitId })])
  t.ok(matches({ unit_within: 'soc-eb' }, at('soc-eb')))
  t.ok(matches({ unit_within: 'soc-eb' }, at('soc-eb-norr')))
  t.ok(matches({ unit_within: 'soc' }, at('soc-eb-syd')))
  t.notOk(matches({ unit_within: 'soc-eb' }, at('soc-bu')))
  t.notOk(matches({ unit_within: 'soc-eb-norr' }, at('soc-eb-syd')))
  t.notOk(matches({ unit_within: 'soc-eb' }, at('soc')))
  t.ok(matches({ unit_within: ['soc-bu', 'vof'] }, at('vof-lss')), 'a list means any of the units')
})

t.test('unit_kinds read the kind of the employment\'s own unit', async (t) => {
  t.ok(matches({ unit_kinds: ['enhet'] }, person([employment({ unit_id: 'soc-eb-norr' })])))
  t.notOk(matches({ unit_kinds: ['forvaltning'] }, person([employment({ unit_id: 'soc-eb-norr' })])))
  t.notOk(matches({ unit_kinds: ['enhet'] }, person([employment({ unit_id: 'not-in-tree' })])))
})

t.test('employment_types match the employment\'s type', async (t) => {
  t.ok(matches({ employment_types: ['visstid', 'vikariat'] }, person([employment({ employment_type: 'vikariat' })])))
  t.notOk(matches({ employment_types: ['tillsvidare'] }, person([employment({ employment_type: 'timavlonad' })])))
})

t.test('min_extent needs at least that extent, and a stated one', async (t) => {
  t.ok(matches({ min_extent: 50 }, person([employment({ extent: 50 })])))
  t.notOk(matches({ min_extent: 50 }, person([employment({ extent: 49.5 })])))
  t.notOk(matches({ min_extent: 0 }, person([employment({ extent: null })])))
})

t.test('groups match direct and nested membership, with DNs compared loosely', async (t) => {
  const dn = 'cn=SOC-EB-Handlaggare,ou=groups,dc=exempel,dc=se'
  t.ok(matches({ groups: [dn] }, person([employment()], [{ dn }])))
  t.ok(matches({ groups: [dn] }, person([employment()], [{ dn: 'CN=soc-eb-handlaggare, OU=Groups, DC=exempel, DC=se' }])))
  t.ok(matches({ groups: [dn] }, person([employment()], [{ dn, via: ['cn=EB-Norr,ou=groups,dc=exempel,dc=se'] }])))
  t.notOk(matches({ groups: [dn] }, person([employment()], [{ dn: 'cn=SOC-BU,ou=groups,dc=exempel,dc=se' }])))
})

t.test('a pure group rule still needs an active employment', async (t) => {
  const dn = 'cn=Jour,ou=groups,dc=exempel,dc=se'
  t.ok(matches({ groups: [dn] }, person([employment({ unit_id: 'vof-lss', position_code: '999999' })], [{ dn }])))
  t.notOk(matches({ groups: [dn] }, person([], [{ dn }])))
  t.notOk(matches({ groups: [dn] }, person([employment({ end_date: '2024-12-31' })], [{ dn }])))
})

t.test('all needs every part to hold for the same employment', async (t) => {
  const when: Condition = { all: [{ position_codes: ['151010'] }, { unit_within: 'soc-bu' }] }
  const splitAcrossTwo = person([
    employment({ position_code: '151010', unit_id: 'soc-eb-norr' }),
    employment({ position_code: '512010', title: 'Lokalvårdare', unit_id: 'soc-bu' })
  ])
  t.notOk(matches(when, splitAcrossTwo), 'socialsekreterare in A plus cleaner in B is not socialsekreterare in B')
  t.ok(matches(when, person([employment({ position_code: '151010', unit_id: 'soc-bu' })])))
})

t.test('several keys in one condition object are an implicit all, for the same employment', async (t) => {
  const when: Condition = { position_codes: ['151010'], unit_within: 'soc-bu' }
  t.notOk(matches(when, person([employment({ unit_id: 'soc-eb-norr' }), employment({ position_code: '512010', unit_id: 'soc-bu' })])))
  t.ok(matches(when, person([employment({ unit_id: 'soc-bu' })])))
})

t.test('group conditions in an all read the person, whichever employment is checked', async (t) => {
  const dn = 'cn=SOC-BU,ou=groups,dc=exempel,dc=se'
  const when: Condition = { all: [{ unit_within: 'soc-bu' }, { groups: [dn] }] }
  t.ok(matches(when, person([employment({ unit_id: 'soc-bu' })], [{ dn }])))
  t.notOk(matches(when, person([employment({ unit_id: 'soc-bu' })], [])))
})

t.test('any holds when one part holds', async (t) => {
  const when: Condition = { any: [{ unit_within: 'soc-bu' }, { position_codes: ['151099'] }] }
  t.ok(matches(when, person([employment({ unit_id: 'soc-bu' })])))
  t.ok(matches(when, person([employment({ position_code: '151099' })])))
  t.notOk(matches(when, person([employment()])))
})

t.test('not is checked per employment: one employment outside the unit is enough', async (t) => {
  const when: Condition = { all: [{ position_codes: ['151010'] }, { not: { unit_within: 'soc-eb' } }] }
  t.notOk(matches(when, person([employment({ unit_id: 'soc-eb-norr' })])))
  t.ok(matches(when, person([employment({ unit_id: 'soc-bu' })])))
  t.ok(matches(when, person([employment({ unit_id: 'soc-eb-norr' }), employment({ unit_id: 'soc-bu' })])))
})

t.test('not on groups excludes members', async (t) => {
  const dn = 'cn=Sparrad,ou=groups,dc=exempel,dc=se'
  const when: Condition = { position_codes: ['151010'], not: { groups: [dn] } }
  t.ok(matches(when, person([employment()])))
  t.notOk(matches(when, person([employment()], [{ dn, via: ['cn=Other,ou=groups,dc=exempel,dc=se'] }])))
})

t.test('employments not active on the day are ignored', async (t) => {
  t.notOk(matches({ position_codes: ['151010'] }, person([employment({ start_date: '2025-06-02' })])), 'future start')
  t.notOk(matches({ position_codes: ['151010'] }, person([employment({ end_date: '2025-05-31' })])), 'past end')
  t.ok(matches({ position_codes: ['151010'] }, person([employment({ start_date: '2025-06-01', end_date: '2025-06-01' })])), 'both bounds inclusive')
  const ended = employment({ end_date: '2024-01-31' })
  const current = employment({ position_code: '512010', title: 'Lokalvårdare' })
  t.notOk(matches({ position_codes: ['151010'] }, person([ended, current])), 'an old employment does not lend its position to a current one')
})

t.test('nested combinators compose', async (t) => {
  const when: Condition = {
    any: [
      { all: [{ unit_within: 'soc-eb' }, { any: [{ position_codes: ['151010'] }, { titles: ['handläggare'] }] }] },
      { all: [{ unit_within: 'vof' }, { not: { employment_types: ['timavlonad'] } }] }
    ]
  }
  t.ok(matches(when, person([employment({ unit_id: 'soc-eb-syd', position_code: '000001', title: 'Handläggare' })])))
  t.ok(matches(when, person([employment({ unit_id: 'vof-lss', employment_type: 'visstid' })])))
  t.notOk(matches(when, person([employment({ unit_id: 'vof-lss', employment_type: 'timavlonad' })])))
  t.notOk(matches(when, person([employment({ unit_id: 'soc-bu' })])))
})

t.test('an evaluation day must be YYYY-MM-DD', async (t) => {
  t.throws(() => compileOne({ min_extent: 0 }).evaluatePerson(person([employment()]), '2025-6-1'), TypeError)
})
