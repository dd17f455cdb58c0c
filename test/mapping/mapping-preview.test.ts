import t from 'tap'
import { adminHeaders } from '../helpers/app.js'
import { heldBy, importJobs, mappingTestApp, mappingYaml, personByNumber, publishMapping, submit, TODAY } from './helpers/mapping-app.js'

const { app, createOrganisation } = await mappingTestApp()
const preview = (org: string, version: number, query = '') => app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/${version}/preview${query}`, headers: adminHeaders })

const org = await createOrganisation()
await importJobs(app, org, [
  { employee_number: '1', unit_id: 'soc-eb-norr' },
  { employee_number: '2', unit_id: 'soc-eb-syd' },
  { employee_number: '3', unit_id: 'soc-bu' },
  { employee_number: '4', unit_id: 'soc-bu' },
  { employee_number: '5', unit_id: 'soc-eb-norr' },
  { employee_number: '5', unit_id: 'soc-eb-syd' }
])
const id = async (n: string) => (await personByNumber(app, org, n)).id

t.test('a first version previews as pure gains, with counts, per-rule matches and rules matching nobody', async (t) => {
  const created = await submit(app, org, mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
  - id: chefer
    when: { position_codes: ["131010"] }
    grant: [socialtjanst.eb.enhetschef]
`))
  const res = await preview(org, created.json().version)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { version: 1, domain: 'socialtjanst', day: TODAY, compared_with: null, people: 5, rule_matches: { eb: 3, chefer: 0 }, rules_matching_nobody: ['chefer'] })
  t.same(Object.keys(body.attributes), ['socialtjanst.eb.handlaggare'])
  t.match(body.attributes['socialtjanst.eb.handlaggare'], { before: 0, after: 3, gained_count: 3, lost_count: 0, rescoped_count: 0, lost: [] })
  t.same(body.attributes['socialtjanst.eb.handlaggare'].gained.sort(), [await id('1'), await id('2'), await id('5')].sort())
  t.same(await heldBy(app, org, '1'), [], 'a preview changes nothing')
})

t.test('a later version previews gains, losses and rescoping against the active one; lists are capped, counts exact', async (t) => {
  await publishMapping(app, org, mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
`))
  const draft = await submit(app, org, mappingYaml(`  - id: eb-norr
    when: { position_codes: ["151010"], unit_within: soc-eb-norr }
    grant: [socialtjanst.eb.handlaggare]
  - id: bu
    when: { unit_within: soc-bu }
    grant: [socialtjanst.bu.handlaggare]
`))
  const version = draft.json().version as number
  const body = (await preview(org, version)).json()
  t.match(body, { version, compared_with: 2, people: 5, rule_matches: { 'eb-norr': 2, bu: 2 }, rules_matching_nobody: [] })
  t.match(body.attributes['socialtjanst.eb.handlaggare'], { before: 3, after: 2, gained_count: 0, lost_count: 1, rescoped_count: 1, lost: [await id('2')], rescoped: [await id('5')] })
  t.match(body.attributes['socialtjanst.bu.handlaggare'], { before: 0, after: 2, gained_count: 2, lost_count: 0 })
  const capped = (await preview(org, version, '?limit=1')).json()
  t.match(capped.attributes['socialtjanst.bu.handlaggare'], { gained_count: 2 })
  t.equal(capped.attributes['socialtjanst.bu.handlaggare'].gained.length, 1)
  t.match((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings/${version}`, headers: adminHeaders })).json(), { status: 'draft' })
  t.same(await heldBy(app, org, '3'), [], 'still nothing of the draft is held')
  const active = (await preview(org, 2)).json()
  t.match(active.attributes['socialtjanst.eb.handlaggare'], { before: 3, after: 3, gained_count: 0, lost_count: 0, rescoped_count: 0 }, 'the active version previews as no change')
})

t.test('the preview names every person it lists by employee number and name', async (t) => {
  const other = await createOrganisation('Grannkommun')
  await importJobs(app, other, [{ employee_number: '1', unit_id: 'soc-eb-norr' }, { employee_number: '2', unit_id: 'vof-lss' }])
  const draft = await submit(app, other, mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
  - id: lss
    when: { unit_within: vof-lss }
    grant: [socialtjanst.eb.administrator]
`))
  const body = (await preview(other, draft.json().version)).json()
  const one = (await personByNumber(app, other, '1')).id
  const two = (await personByNumber(app, other, '2')).id
  t.same(body.attributes['socialtjanst.eb.handlaggare'].gained, [one])
  t.same(body.listed_people, {
    [one]: { employee_number: '1', given_name: 'Test', family_name: 'Person 1' },
    [two]: { employee_number: '2', given_name: 'Test', family_name: 'Person 2' }
  }, 'exactly the people the lists name, each once')
  const capped = (await preview(other, draft.json().version, '?limit=0')).json()
  t.same(capped.listed_people, {}, 'no list, no names')
})
