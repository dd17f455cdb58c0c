import t from 'tap'
import { adminHeaders } from '../helpers/app.js'
import { account, group, groupDn, importJobs, mappingTestApp, mappingYaml, personByNumber, publishMapping, pushDirectory, TODAY } from '../mapping/helpers/mapping-app.js'
import { problemType } from '../helpers/problem-type.js'

const { app, createOrganisation } = await mappingTestApp()
const org = await createOrganisation()
await importJobs(app, org, [
  { employee_number: '1', unit_id: 'soc-eb-norr', employment_id: 'E-1', start_date: '2022-01-10', end_date: '2026-01-09', employment_type: 'visstid' },
  { employee_number: '2', unit_id: 'vof-lss', employment_id: 'E-2', position_code: '152020', title: 'LSS-handläggare' },
  { employee_number: '3', unit_id: 'soc-bu', employment_id: 'E-3' }
])
await pushDirectory(app, org, { accounts: [account('2')], groups: [group('Ombud-Team', [account('2').dn]), group('Statsbidrag-Ombud', [groupDn('Ombud-Team')])] })
const version = await publishMapping(app, org, mappingYaml(`  - id: eb
    description: Socialsekreterare på ekonomiskt bistånd
    when: { position_codes: ["151010"], unit_within: soc-eb, employment_types: [tillsvidare, visstid] }
    grant: [socialtjanst.eb.handlaggare]
  - id: ombud
    when: { groups: ["cn=Statsbidrag-Ombud,ou=groups,dc=exempel,dc=se"] }
    grant: [socialtjanst.statsbidrag.ombud]
`))
const explain = (personId: string, attribute: string) => app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${personId}/attributes/${attribute}/explain`, headers: adminHeaders })

t.test('explains a held attribute in words and data: rule, employment, unit, validity', async (t) => {
  const anna = await personByNumber(app, org, '1')
  const res = await explain(anna.id, 'socialtjanst.eb.handlaggare')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, {
    person_id: anna.id,
    attribute_id: 'socialtjanst.eb.handlaggare',
    day: TODAY,
    mapping_version: version,
    holds: true,
    grants: [{ unit_id: 'soc-eb-norr', valid_from: '2022-01-10', valid_until: '2026-01-09' }],
    data: [{ mapping_version: version, rule_id: 'eb', employment_ids: [anna.employments[0]!.id] }],
    records: { employments: [{ employment_id: anna.employments[0]!.id, unit_id: 'soc-eb-norr', position_code: '151010', employment_type: 'visstid', start_date: '2022-01-10', end_date: '2026-01-09' }], groups: [] }
  })
  t.match(body.text, /Granted by rule eb \(mapping v\d+\) \("Socialsekreterare på ekonomiskt bistånd"\), which requires position code 151010 and a unit within Ekonomiskt bistånd \(soc-eb\)/)
  t.match(body.text, /at Ekonomiskt bistånd norr \(soc-eb-norr\)/)
  t.match(body.text, /For Ekonomiskt bistånd norr \(soc-eb-norr\), valid from 2022-01-10 until 2026-01-09\./)
})

t.test('explains a nested group membership with its path', async (t) => {
  const bo = await personByNumber(app, org, '2')
  const body = (await explain(bo.id, 'socialtjanst.statsbidrag.ombud')).json()
  t.match(body, { holds: true, grants: [{ unit_id: null }], data: [{ rule_id: 'ombud', group_dns: [groupDn('Statsbidrag-Ombud')], group_via: { [groupDn('Statsbidrag-Ombud')]: [groupDn('Ombud-Team')] } }], records: { groups: [{ dn: groupDn('Statsbidrag-Ombud'), via: [groupDn('Ombud-Team')] }] } })
  t.match(body.text, new RegExp(`through ${groupDn('Ombud-Team')} → ${groupDn('Statsbidrag-Ombud')}`))
  t.match(body.text, /Organisation-wide, valid from 2021-03-01 until further notice\./)
})

t.test('explains an attribute not held: the nearest rule and what it lacks', async (t) => {
  const cilla = await personByNumber(app, org, '3')
  const body = (await explain(cilla.id, 'socialtjanst.eb.handlaggare')).json()
  t.match(body, { holds: false, grants: [], data: [], nearest: { rule_id: 'eb', employment_id: cilla.employments[0]!.id, conditions_met: 2, conditions_total: 3, unmet: ['a unit within Ekonomiskt bistånd (soc-eb)'] } })
  t.match(body.text, /^Not granted on 2025-06-01/)
  const none = (await explain(cilla.id, 'socialtjanst.vux.handlaggare')).json()
  t.match(none, { holds: false, text: /no rule in mapping v\d+ grants socialtjanst\.vux\.handlaggare/ })
  const otherDomain = (await explain(cilla.id, 'skola.larare')).json()
  t.match(otherDomain, { holds: false, mapping_version: null, text: /published no mapping for the domain skola/ })
})

t.test('unknown people are 404; attribute ids are checked', async (t) => {
  const missing = await explain('7d0f8c5e-0000-4000-8000-000000000000', 'socialtjanst.eb.handlaggare')
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().type, problemType('unknown-person'))
  const anna = await personByNumber(app, org, '1')
  t.equal((await explain(anna.id, 'Not%20An%20Id')).statusCode, 400)
})

t.test('explaining needs people:read for the person\'s own organisation', async (t) => {
  const anna = await personByNumber(app, org, '1')
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes: ['mappings:read'] } })
  const key = { authorization: `Bearer ${res.json().key as string}` }
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${anna.id}/attributes/socialtjanst.eb.handlaggare/explain`, headers: key })).statusCode, 403)
})
