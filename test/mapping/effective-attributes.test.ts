import t from 'tap'
import { adminHeaders } from '../helpers/app.js'
import { account, group, groupDn, heldBy, importJobs, mappingTestApp, mappingYaml, personByNumber, publishMapping, pushDirectory } from './helpers/mapping-app.js'

const { app, createOrganisation } = await mappingTestApp()

// One rule per kind of condition; every attribute in the catalog is unit-scoped except
// the state-grant ones, which are organisation-wide.
const MAPPING = mappingYaml(`  - id: eb
    when: { all: [ { position_codes: ["151010"] }, { unit_within: soc-eb } ] }
    grant: [socialtjanst.eb.handlaggare]
  - id: bu
    when: { unit_within: soc-bu, min_extent: 50, not: { employment_types: [timavlonad] } }
    grant: [socialtjanst.bu.handlaggare]
  - id: jour
    when:
      any: [ { titles: ["^jourhavande"] }, { groups: ["cn=SOC-Jour-Bemanning,ou=groups,dc=exempel,dc=se"] } ]
      unit_kinds: [enhet]
      employment_types: [timavlonad, tillsvidare]
    grant: [socialtjanst.jour.handlaggare]
  - id: ombud
    when: { groups: ["CN=Statsbidrag-Ombud, OU=Groups, DC=exempel, DC=se"] }
    grant: [socialtjanst.statsbidrag.ombud]
`)

const org = await createOrganisation()
await importJobs(app, org, [
  { employee_number: '101', unit_id: 'soc-eb-norr' },
  { employee_number: '102', unit_id: 'soc-eb-norr', employment_type: 'visstid', start_date: '2024-01-01', end_date: '2025-12-31' },
  { employee_number: '102', unit_id: 'soc-eb-syd', employment_type: 'vikariat', start_date: '2025-05-01', end_date: '2025-08-31' },
  { employee_number: '103', unit_id: 'soc-eb-norr', start_date: '2025-07-01' },
  { employee_number: '103', unit_id: 'soc-bu', start_date: '2020-01-01', end_date: '2025-05-31' },
  { employee_number: '104', unit_id: 'soc-bu', extent: 40 },
  { employee_number: '105', unit_id: 'soc-jour', position_code: null, title: 'Jourhavande socialsekreterare', employment_type: 'timavlonad' },
  { employee_number: '106', unit_id: 'vof-lss', position_code: '152020', title: 'LSS-handläggare' },
  { employee_number: '107', unit_id: 'soc-bu', extent: 100 },
  { employee_number: '108', unit_id: 'soc-bu', employment_type: 'timavlonad' },
  { employee_number: '109', unit_id: 'soc-eb-syd' },
  { employee_number: '110', unit_id: 'soc-eb-norr', start_date: '2020-01-01', end_date: '2025-06-30' },
  { employee_number: '110', unit_id: 'soc-eb-norr', start_date: '2025-06-01', title: 'Socialsekreterare (ny tjänst)' },
  { employee_number: '111', unit_id: 'vof', position_code: '111010', title: 'Förvaltningschef' }
])
// 106 is in Statsbidrag-Ombud through Statsbidrag-Team; 109 directly in SOC-Jour-Bemanning.
await pushDirectory(app, org, {
  accounts: ['106', '109', '111'].map(account),
  groups: [
    group('Statsbidrag-Team', [account('106').dn]),
    group('Statsbidrag-Ombud', [groupDn('Statsbidrag-Team')]),
    group('SOC-Jour-Bemanning', [account('109').dn, account('111').dn])
  ]
})
const version = await publishMapping(app, org, MAPPING)

t.test('each condition type, unit subtrees and nested groups decide who holds what', async (t) => {
  t.same(await heldBy(app, org, '101'), ['socialtjanst.eb.handlaggare@soc-eb-norr'], 'position code within the soc-eb subtree')
  t.same(await heldBy(app, org, '103'), [], 'an employment not yet started or already ended grants nothing')
  t.same(await heldBy(app, org, '104'), [], 'below min_extent')
  t.same(await heldBy(app, org, '107'), ['socialtjanst.bu.handlaggare@soc-bu'], 'at or above min_extent, not timavlönad')
  t.same(await heldBy(app, org, '108'), [], '`not` excludes timavlönad')
  t.same(await heldBy(app, org, '105'), ['socialtjanst.jour.handlaggare@soc-jour'], 'title pattern (case-insensitive), unit kind and employment type')
  t.same(await heldBy(app, org, '109'), ['socialtjanst.eb.handlaggare@soc-eb-syd', 'socialtjanst.jour.handlaggare@soc-eb-syd'], 'group membership in an `any`')
  t.same(await heldBy(app, org, '106'), ['socialtjanst.statsbidrag.ombud@*'], 'nested group membership, DN compared case- and space-insensitively')
  t.same(await heldBy(app, org, '111'), [], 'a group alone is not enough when the employment is at a unit of another kind')
})

t.test('unit-scoped attributes are held per unit of the matching employments; validity comes from their dates', async (t) => {
  const bo = await personByNumber(app, org, '102')
  const norr = bo.employments.find((e) => e.unit_id === 'soc-eb-norr')!
  const syd = bo.employments.find((e) => e.unit_id === 'soc-eb-syd')!
  t.match(bo.attributes, [
    { id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr', valid_from: '2024-01-01', valid_until: '2025-12-31', mapping_version: version, provenance: [{ rule_id: 'eb', employment_ids: [norr.id], group_dns: [] }] },
    { id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-syd', valid_from: '2025-05-01', valid_until: '2025-08-31', provenance: [{ rule_id: 'eb', employment_ids: [syd.id] }] }
  ])
  t.equal(bo.attributes.length, 2)
  const jon = await personByNumber(app, org, '110')
  t.equal(jon.attributes.length, 1, 'two employments at one unit give one grant')
  t.match(jon.attributes[0], { unit_id: 'soc-eb-norr', valid_from: '2020-01-01', valid_until: null })
  t.same([...jon.attributes[0]!.provenance[0]!.employment_ids].sort(), jon.employments.map((e) => e.id).sort(), 'both employments justify it')
})

t.test('organisation-wide attributes carry the group path that granted them', async (t) => {
  const fia = await personByNumber(app, org, '106')
  t.match(fia.attributes, [{ id: 'socialtjanst.statsbidrag.ombud', unit_id: null, valid_from: '2021-03-01', valid_until: null, provenance: [{ rule_id: 'ombud', employment_ids: [fia.employments[0]!.id], group_dns: [groupDn('Statsbidrag-Ombud')], group_via: { [groupDn('Statsbidrag-Ombud')]: [groupDn('Statsbidrag-Team')] } }] }])
  t.match(fia.groups, [{ dn: groupDn('Statsbidrag-Ombud'), via: [groupDn('Statsbidrag-Team')] }, { dn: groupDn('Statsbidrag-Team'), via: [] }])
})

t.test('?attribute= lists the holders, for any unit, with cursor paging', async (t) => {
  const list = async (query: string) => (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?${query}`, headers: adminHeaders })).json()
  const holders = await list('attribute=socialtjanst.eb.handlaggare')
  const numbers = holders.items.map((p: { employee_number: string }) => p.employee_number).sort()
  t.same(numbers, ['101', '102', '109', '110'])
  const first = await list('attribute=socialtjanst.eb.handlaggare&limit=3')
  t.equal(first.items.length, 3)
  const rest = await list(`attribute=socialtjanst.eb.handlaggare&limit=3&cursor=${first.next_cursor}`)
  t.equal(rest.items.length, 1)
  t.same((await list('attribute=socialtjanst.vux.handlaggare')).items, [])
  const bad = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?attribute=not%20an%20id`, headers: adminHeaders })
  t.equal(bad.statusCode, 400)
})

t.test('another organisation sees none of these attributes', async (t) => {
  const other = await createOrganisation()
  const key = await (async () => {
    const res = await app.inject({ method: 'POST', url: `/v1/organisations/${other}/api-keys`, headers: adminHeaders, payload: { scopes: ['people:read'] } })
    return { authorization: `Bearer ${res.json().key as string}` }
  })()
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${other}/people?attribute=socialtjanst.eb.handlaggare`, headers: key })
  t.same(res.json().items, [])
  const cross = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?attribute=socialtjanst.eb.handlaggare`, headers: key })
  t.equal(cross.statusCode, 403)
})
