import t from 'tap'
import { compileMapping } from '../../src/mapping/mapping-compiler.js'
import { explainGrant } from '../../src/mapping/mapping-explain.js'
import { CATALOG, DAY, employment, mapping, person, unitTree } from './helpers/mapping-builders.js'

const units = unitTree()
const GROUP = 'cn=SOC-EB-Handlaggare,ou=groups,dc=exempel,dc=se'
const compiled = compileMapping(mapping([
  {
    id: 'eb-handlaggare',
    description: 'Socialsekreterare på enheterna för ekonomiskt bistånd',
    when: { all: [{ position_codes: ['151010'] }, { unit_within: 'soc-eb' }, { employment_types: ['tillsvidare', 'visstid', 'vikariat'] }] },
    grant: ['socialtjanst.eb.handlaggare']
  },
  { id: 'eb-via-grupp', when: { groups: [GROUP] }, grant: ['socialtjanst.eb.handlaggare'] },
  { id: 'eb-chef', when: { position_codes: ['131010'], unit_within: 'soc-eb' }, grant: ['socialtjanst.eb.enhetschef'] }
]), { mapping_version: 3, catalog: CATALOG, units })

t.test('explains a grant in words: rule, condition, employment and validity', async (t) => {
  const facts = person([employment({ employment_id: 'E-1001', start_date: '2021-03-01' })])
  const explanation = explainGrant({ attribute_id: 'socialtjanst.eb.handlaggare', facts, mapping: compiled, units, day: DAY })
  t.equal(explanation.holds, true)
  t.equal(explanation.text,
    'Granted by rule eb-handlaggare (mapping v3) ("Socialsekreterare på enheterna för ekonomiskt bistånd"), ' +
    'which requires position code 151010 and a unit within Ekonomiskt bistånd (soc-eb) and employment type tillsvidare, visstid or vikariat. ' +
    'Matching employment: E-1001 as Socialsekreterare (151010) at Ekonomiskt bistånd norr (soc-eb-norr), tillsvidare, 100 %, active 2021-03-01–. ' +
    'Organisation-wide, valid from 2021-03-01 until further notice.')
  t.same(explanation.data, [{ mapping_version: 3, rule_id: 'eb-handlaggare', employment_ids: ['E-1001'], group_dns: [], group_via: {} }])
})

t.test('names the nested group path when a group rule grants it', async (t) => {
  const facts = person([employment({ employment_id: 'E-7', unit_id: 'soc-bu', position_code: '151010', end_date: '2025-12-31' })],
    [{ dn: GROUP, via: ['cn=EB-Norr,ou=groups,dc=exempel,dc=se'] }])
  const explanation = explainGrant({ attribute_id: 'socialtjanst.eb.handlaggare', facts, mapping: compiled, units, day: DAY })
  t.equal(explanation.holds, true)
  t.match(explanation.text, 'Granted by rule eb-via-grupp (mapping v3), which requires membership of ' + GROUP)
  t.match(explanation.text, `Member of ${GROUP} through cn=EB-Norr,ou=groups,dc=exempel,dc=se → ${GROUP}.`)
  t.match(explanation.text, 'valid from 2021-03-01 until 2025-12-31.')
  t.same(explanation.data[0]?.group_via, { [GROUP]: ['cn=EB-Norr,ou=groups,dc=exempel,dc=se'] })
})

t.test('states the unit of a unit-scoped grant', async (t) => {
  const facts = person([employment({ position_code: '131010', title: 'Enhetschef', unit_id: 'soc-eb-syd' })])
  const explanation = explainGrant({ attribute_id: 'socialtjanst.eb.enhetschef', facts, mapping: compiled, units, day: DAY })
  t.match(explanation.text, 'For Ekonomiskt bistånd syd (soc-eb-syd), valid from')
  t.equal(explanation.grants[0]?.unit_id, 'soc-eb-syd')
})

t.test('for a non-holder, lists the granting rules and the nearest miss', async (t) => {
  const facts = person([employment({ employment_id: 'E-2', unit_id: 'soc-bu' })])
  const explanation = explainGrant({ attribute_id: 'socialtjanst.eb.handlaggare', facts, mapping: compiled, units, day: DAY })
  t.equal(explanation.holds, false)
  t.same(explanation.data, [])
  t.same(explanation.nearest, { rule_id: 'eb-handlaggare', employment_id: 'E-2', conditions_met: 2, conditions_total: 3, unmet: ['a unit within Ekonomiskt bistånd (soc-eb)'] })
  t.match(explanation.text, /^Not granted on 2025-06-01: no active employment satisfies the rules in mapping v3 that grant socialtjanst.eb.handlaggare: eb-handlaggare \(.*\); eb-via-grupp \(membership of cn=SOC-EB-Handlaggare/)
  t.match(explanation.text, 'Nearest: rule eb-handlaggare with employment E-2, which meets 2 of 3 conditions but not a unit within Ekonomiskt bistånd (soc-eb).')
})

t.test('for a person without active employments there is no nearest miss', async (t) => {
  const explanation = explainGrant({ attribute_id: 'socialtjanst.eb.handlaggare', facts: person([employment({ end_date: '2020-01-01' })]), mapping: compiled, units, day: DAY })
  t.equal(explanation.holds, false)
  t.equal(explanation.nearest, undefined)
})

t.test('says so when no rule grants the attribute at all', async (t) => {
  const explanation = explainGrant({ attribute_id: 'socialtjanst.bu.handlaggare', facts: person([employment()]), mapping: compiled, units, day: DAY })
  t.equal(explanation.text, 'Not granted: no rule in mapping v3 grants socialtjanst.bu.handlaggare.')
})
