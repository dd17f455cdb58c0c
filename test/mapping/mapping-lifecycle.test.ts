import t from 'tap'
import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { adminHeaders } from '../helpers/app.js'
import { importJobs, mappingTestApp, mappingYaml, submit } from './helpers/mapping-app.js'
import { problemType } from '../helpers/problem-type.js'

const { app, store, createOrganisation, apiKeyHeaders } = await mappingTestApp()
const example = readFileSync(new URL('../../examples/mappings/exempelkommun.yaml', import.meta.url), 'utf8')

const simple = mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
`)

const get = (org: string, path = '') => app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings${path}`, headers: adminHeaders })
const post = (org: string, path: string) => app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings${path}`, headers: adminHeaders })

t.test('stores a YAML draft with the next version number, its warnings and a location', async (t) => {
  const org = await createOrganisation()
  const res = await submit(app, org, simple)
  t.equal(res.statusCode, 201)
  t.same(res.json(), { version: 1, status: 'draft', domain: 'socialtjanst', catalog_version: '1.0.0', warnings: [{ pointer: '', code: 'units-not-synced', detail: 'no units have been synced for the organisation yet, so the 1 unit reference was not checked' }] })
  t.equal(res.headers.location, `/v1/organisations/${org}/mappings/1`)
  const second = await submit(app, org, JSON.stringify({ domain: 'socialtjanst', catalog_version: '1.0.0', rules: [{ id: 'r', when: { position_codes: ['151010'] }, grant: ['socialtjanst.eb.handlaggare'] }] }), 'application/json')
  t.equal(second.statusCode, 201)
  t.match(second.json(), { version: 2, status: 'draft', warnings: [] })
  const one = await get(org, '/1')
  t.equal(one.statusCode, 200)
  t.match(one.json(), { version: 1, status: 'draft', rules: 1, document: { domain: 'socialtjanst', rules: [{ id: 'eb' }] }, source: { format: 'yaml', text: simple }, created_by: 'platform-admin', published_at: null })
  t.match((await get(org, '/2')).json().source, { format: 'json' })
})

t.test('the shipped example validates without warnings once its units are synced, and publishes', async (t) => {
  const org = await createOrganisation()
  // The example's units, each with one employee, so the tree exists in the store.
  const units = ['soc', 'soc-stab', 'soc-mott', 'soc-eb', 'soc-eb-mott', 'soc-eb-norr', 'soc-eb-syd', 'soc-bu', 'soc-bu-utredning', 'soc-bu-familjehem', 'soc-vux', 'soc-vnr', 'soc-fr', 'soc-jour', 'vof', 'vof-bistand', 'vof-lss', 'vof-hemtjanst']
  await importJobs(app, org, [{ employee_number: '1', unit_id: 'soc-eb-norr' }])
  await store.db.insertInto('units').values(units.filter((u) => !['soc', 'soc-eb', 'soc-eb-norr', 'soc-eb-syd', 'soc-bu', 'soc-jour', 'vof', 'vof-lss'].includes(u))
    .map((id) => ({ organisation: org, id, name: id, parent_id: id.startsWith('vof') ? 'vof' : 'soc', kind: 'enhet', source: 'hr', last_run: 'r' }))).execute()
  await store.db.insertInto('directory_groups').values(['SOC-EB-Handlaggare', 'SOC-Jour-Bemanning', 'Statsbidrag-Ombud', 'Statsbidrag-Representanter', 'Statsbidrag-Uppgiftssamordnare', 'SOC-Behorighetsadministratorer']
    .map((cn) => ({ organisation: org, source: 'ad', dn: `cn=${cn.toLowerCase()},ou=groups,dc=exempel,dc=se`, cn, record_hash: 'h', last_run: 'r' }))).execute()
  const res = await submit(app, org, example)
  t.equal(res.statusCode, 201)
  t.same(res.json().warnings, [])
  const published = await post(org, `/${res.json().version}/publish`)
  t.equal(published.statusCode, 200)
  t.match(published.json(), { status: 'active', published_by: 'platform-admin' })
})

t.test('refuses an unacceptable mapping with 422 and a JSON Pointer per problem', async (t) => {
  const org = await createOrganisation()
  const res = await submit(app, org, mappingYaml(`  - id: eb
    when: { position_codes: [151010] }
    grant: [socialtjanst.eb.handlaggare]
  - id: eb
    when: { unit_within: soc }
    grant: [socialtjanst.eb.nonexistent, skola.larare]
  - id: bad
    when: { shoe_size: 42 }
    grant: [socialtjanst.eb.handlaggare]
`))
  t.equal(res.statusCode, 422)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  const body = res.json()
  t.equal(body.type, problemType('invalid-mapping'))
  // The schema is checked first: nothing else is meaningful while the shape is wrong.
  t.same(body.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/rules/0/when/position_codes/0', '/rules/2/when/shoe_size'])
  t.match(body.errors.find((e: { pointer: string }) => e.pointer === '/rules/0/when/position_codes/0').detail, /quote it in YAML/)

  const second = await submit(app, org, mappingYaml(`  - id: eb
    when: { position_codes: ["151010"] }
    grant: [socialtjanst.eb.handlaggare]
  - id: eb
    when: { titles: ["(a)\\\\1"] }
    grant: [socialtjanst.eb.nonexistent, skola.larare]
`))
  t.equal(second.statusCode, 422)
  t.same(second.json().errors.map((e: { pointer: string }) => e.pointer).sort(), ['/rules/1/grant/0', '/rules/1/grant/1', '/rules/1/id', '/rules/1/when/titles/0'])

  const catalog = await submit(app, org, mappingYaml('  - { id: r, when: { unit_within: soc }, grant: [socialtjanst.eb.handlaggare] }\n', '9.9.9'))
  t.equal(catalog.statusCode, 422)
  t.same(catalog.json().errors, [{ pointer: '/catalog_version', detail: 'catalog socialtjanst 9.9.9 does not exist' }])
  t.equal((await get(org)).json().items.length, 0, 'nothing was stored')
})

t.test('refuses a body that is not YAML or JSON with 400 and the line', async (t) => {
  const org = await createOrganisation()
  const res = await submit(app, org, 'domain: socialtjanst\nrules: [\n  - id: x', 'application/yaml')
  t.equal(res.statusCode, 400)
  t.match(res.json(), { type: problemType('malformed-mapping'), line: Number })
  const json = await submit(app, org, '{"domain": "socialtjanst", "domain": "x"}', 'application/json')
  t.equal(json.statusCode, 400)
  t.equal(json.json().type, problemType('malformed-mapping'))
})

t.test('warns about deprecated attributes, naming the replacement, and about units not synced', async (t) => {
  const org = await createOrganisation()
  await importJobs(app, org, [{ employee_number: '1', unit_id: 'soc-eb-norr' }])
  const res = await submit(app, org, mappingYaml(`  - id: ombud
    when: { unit_within: soc, position_codes: ["111010"] }
    grant: [socialtjanst.statsbidrag.ombud]
  - id: ghost
    when: { unit_within: soc-ghost }
    grant: [socialtjanst.eb.handlaggare]
`, '1.1.0'))
  t.equal(res.statusCode, 201)
  const warnings = res.json().warnings as Array<{ pointer: string, code: string, detail: string }>
  t.match(warnings.find((w) => w.code === 'deprecated-attribute'), { pointer: '/rules/0/grant/0', detail: /socialtjanst\.statsbidrag\.ombud is deprecated in catalog socialtjanst 1\.1\.0; use representation\.statsbidrag\.ombud-socialstyrelsen instead/ })
  t.match(warnings.find((w) => w.code === 'unknown-unit'), { pointer: '/rules/1/when/unit_within', detail: /soc-ghost/ })
  t.match((await get(org, `/${res.json().version}`)).json().warnings, warnings, 'warnings are kept with the version')
})

t.test('lists versions newest first with draft, active and superseded status, and pages', async (t) => {
  const org = await createOrganisation()
  for (let i = 0; i < 3; i++) t.equal((await submit(app, org, simple)).statusCode, 201)
  t.equal((await post(org, '/1/publish')).statusCode, 200)
  t.equal((await post(org, '/2/publish')).statusCode, 200)
  const all = (await get(org)).json()
  t.same(all.items.map((v: { version: number, status: string }) => `${v.version}:${v.status}`), ['3:draft', '2:active', '1:superseded'])
  t.ok(all.items[2].superseded_at)
  const first = (await get(org, '?limit=2')).json()
  t.equal(first.items.length, 2)
  const rest = (await get(org, `?limit=2&cursor=${first.next_cursor}`)).json()
  t.same(rest.items.map((v: { version: number }) => v.version), [1])
  t.equal(rest.next_cursor, null)
  t.same((await get(org, '?status=active')).json().items.map((v: { version: number }) => v.version), [2])
})

t.test('published versions are immutable: publishing again is 409 and the store refuses content changes', async (t) => {
  const org = await createOrganisation()
  await submit(app, org, simple)
  t.equal((await post(org, '/1/publish')).statusCode, 200)
  const again = await post(org, '/1/publish')
  t.equal(again.statusCode, 409)
  t.match(again.json(), { type: problemType('mapping-not-draft'), status: 409, mapping_status: 'active' })
  await t.rejects(sql`update mapping_versions set document = '{}'::json where organisation = ${org} and version = 1`.execute(store.db), /immutable/)
  await t.rejects(sql`update mapping_versions set status = 'draft' where organisation = ${org} and version = 1`.execute(store.db), /cannot go from active to draft/)
  t.equal((await get(org, '/1')).json().document.rules[0].id, 'eb')
})

t.test('unknown versions are 404 problems', async (t) => {
  const org = await createOrganisation()
  t.equal((await get(org, '/7')).json().type, problemType('unknown-mapping-version'))
  t.equal((await post(org, '/7/publish')).statusCode, 404)
  t.equal((await post(org, '/7/preview')).statusCode, 404)
})

t.test('submitting and publishing need mappings:write; reading and previewing mappings:read; keys see only their organisation', async (t) => {
  const org = await createOrganisation()
  const other = await createOrganisation()
  const reader = await apiKeyHeaders(org, ['mappings:read'])
  const writer = await apiKeyHeaders(org, ['mappings:write'])
  t.equal((await submit(app, org, simple, 'application/yaml', reader)).statusCode, 403)
  const created = await submit(app, org, simple, 'application/yaml', writer)
  t.equal(created.statusCode, 201)
  t.match(created.json(), { version: 1 })
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings/1`, headers: reader })).statusCode, 200)
  t.match((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings/1`, headers: reader })).json(), { created_by: /^api-key:/ })
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/1/preview`, headers: reader })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/1/publish`, headers: reader })).statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${other}/mappings`, headers: writer })).statusCode, 403)
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/1/publish`, headers: writer })).statusCode, 200)
  t.equal((await get(other)).json().items.length, 0, 'versions are per organisation')
})
