import t from 'tap'
import { compileMapping } from '../../src/mapping/mapping-compiler.js'
import { PreviewAccumulator, diffGrantSets } from '../../src/mapping/mapping-diff.js'
import type { MappingRule, PersonFacts } from '../../src/mapping/mapping-types.js'
import { CATALOG, DAY, employment, mapping, person, unitTree } from './helpers/mapping-builders.js'

const units = unitTree()
const compile = (rules: MappingRule[], version: number) => compileMapping(mapping(rules), { mapping_version: version, catalog: CATALOG, units })

const current = compile([
  { id: 'eb', when: { unit_within: 'soc-eb' }, grant: ['socialtjanst.eb.handlaggare'] }
], 1)
const draft = compile([
  { id: 'eb', when: { unit_within: 'soc-eb', position_codes: ['151010'] }, grant: ['socialtjanst.eb.handlaggare'] },
  { id: 'bu', when: { unit_within: 'soc-bu' }, grant: ['socialtjanst.bu.handlaggare'] },
  { id: 'chef', when: { position_codes: ['131010'] }, grant: ['socialtjanst.eb.enhetschef'] },
  { id: 'lss', when: { unit_within: 'vof-lss', titles: ['lss'] }, grant: ['socialtjanst.fn.handlaggare'] }
], 2)

const people: PersonFacts[] = [
  person([employment({ unit_id: 'soc-eb-norr' })], [], 'anna'),
  person([employment({ unit_id: 'soc-eb-syd', position_code: '341010', title: 'Administratör' })], [], 'bo'),
  person([employment({ unit_id: 'soc-bu' })], [], 'cecilia'),
  person([employment({ unit_id: 'soc-eb-norr', position_code: '131010' }), employment({ unit_id: 'soc-eb-syd', position_code: '151010' })], [], 'david')
]

function preview (limit?: number) {
  return diffGrantSets(people.map((p) => ({
    person_id: p.person_id,
    before: current.evaluatePerson(p, DAY),
    after: draft.evaluatePerson(p, DAY)
  })), draft.rules.map((r) => r.id), limit === undefined ? {} : { list_limit: limit })
}

t.test('reports who gains and who loses each attribute', async (t) => {
  const result = preview()
  t.equal(result.people, 4)
  t.same(Object.keys(result.attributes), ['socialtjanst.bu.handlaggare', 'socialtjanst.eb.enhetschef', 'socialtjanst.eb.handlaggare'])
  const change = (before: number, after: number, gained: string[], lost: string[]) =>
    ({ before, after, gained_count: gained.length, lost_count: lost.length, rescoped_count: 0, gained, lost, rescoped: [] })
  t.same(result.attributes['socialtjanst.eb.handlaggare'], change(3, 2, [], ['bo']))
  t.same(result.attributes['socialtjanst.bu.handlaggare'], change(0, 1, ['cecilia'], []))
  t.same(result.attributes['socialtjanst.eb.enhetschef'], change(0, 1, ['david'], []))
})

t.test('counts people per rule and names the rules that matched nobody', async (t) => {
  const result = preview()
  t.same(result.rule_matches, { eb: 2, bu: 1, chef: 1, lss: 0 })
  t.same(result.rules_matching_nobody, ['lss'])
})

t.test('lists are capped by list_limit while counts stay exact', async (t) => {
  const acc = new PreviewAccumulator(['r'], { list_limit: 1 })
  const grant = (attributeId: string) => ({ attribute_id: attributeId, unit_id: null, valid_from: '2020-01-01', valid_until: null, provenance: [{ mapping_version: 2, rule_id: 'r', employment_ids: [], group_dns: [], group_via: {} }] })
  acc.add('p1', [], [grant('x.a.b')])
  acc.add('p2', [], [grant('x.a.b')])
  acc.add('p3', [grant('x.a.b')], [])
  const result = acc.result()
  t.match(result.attributes['x.a.b'], { gained_count: 2, gained: ['p1'], lost_count: 1, lost: ['p3'], before: 1, after: 2 })
  t.same(result.rule_matches, { r: 2 })
})

t.test('a change of unit scope is reported as rescoped, not as a gain or loss', async (t) => {
  const scoped = (unitId: string) => ({ attribute_id: 'socialtjanst.eb.enhetschef', unit_id: unitId, valid_from: '2020-01-01', valid_until: null, provenance: [] })
  const result = diffGrantSets([
    { person_id: 'moved', before: [scoped('soc-eb-norr')], after: [scoped('soc-eb-syd')] },
    { person_id: 'same', before: [scoped('soc-eb-norr')], after: [scoped('soc-eb-norr')] }
  ], [])
  t.same(result.attributes['socialtjanst.eb.enhetschef'], { before: 2, after: 2, gained_count: 0, lost_count: 0, rescoped_count: 1, gained: [], lost: [], rescoped: ['moved'] })
})
