import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, upload } from '../helpers/sync.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store)

const LEVELS = 200_000
const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels)

t.test('an HR snapshot nested 200 000 levels is refused as unreadable and its run fails with nothing staged', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const body = `{"units":[],"employments":[{"employee_number":"1","unit_id":"a","x":${nested(LEVELS)}}]}`
  const res = await upload(app, org, body, 'application/json')
  t.equal(res.statusCode, 422, res.body.slice(0, 300))
  t.match(res.json(), { type: problemType('hr-snapshot-unreadable'), errors: [{ pointer: '/employments/0', detail: 'nests deeper than 64 levels' }] })
  const run = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${res.json().run_id as string}`, headers: adminHeaders })
  t.match(run.json(), { state: 'failed', error: { type: problemType('hr-snapshot-unreadable') } })
  const staged = await store.db.selectFrom('staged_employments').select('key').where('run_id', '=', res.json().run_id).execute()
  t.same(staged, [])
})

t.test('an HR snapshot as deep as a record needs is read', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const res = await upload(app, org, JSON.stringify({ units: [{ id: 'a', name: 'A' }], employments: [] }), 'application/json')
  t.equal(res.statusCode, 202, res.body)
})

t.test('a JSON request body nested 200 000 levels is a 400 problem, on every route', async (t) => {
  const org = await createOrganisation()
  for (const [method, url] of [['PUT', `/v1/organisations/${org}`], ['POST', `/v1/organisations/${org}/sources`], ['PUT', '/v1/relying-parties/deep-client']] as const) {
    const res = await app.inject({ method, url, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: `{"name":${nested(LEVELS)}}` })
    t.equal(res.statusCode, 400, url)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), { type: problemType('validation-failed'), errors: [{ pointer: '', detail: 'nests deeper than 64 levels' }] }, url)
  }
  const ok = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'Grund', kind: 'municipality' } })
  t.equal(ok.statusCode, 200, 'a shallow body still goes through')
})

t.test('SCIM answers a deeply nested body in its own error form', async (t) => {
  const org = await createOrganisation()
  for (const type of ['application/scim+json', 'application/json']) {
    const res = await app.inject({ method: 'POST', url: `/scim/v2/${org}/Users`, headers: { ...adminHeaders, 'content-type': type }, payload: `{"userName":${nested(LEVELS)}}` })
    t.equal(res.statusCode, 400, type)
    t.match(res.json(), { status: '400', scimType: 'invalidSyntax' }, type)
  }
})

t.test('a mapping nested 200 000 levels is malformed, in YAML and in JSON', async (t) => {
  const org = await createOrganisation()
  for (const type of ['application/yaml', 'application/json']) {
    const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings`, headers: { ...adminHeaders, 'content-type': type }, payload: `{"rules":${nested(LEVELS)}}` })
    t.equal(res.statusCode, 400, type)
    t.match(res.json(), { type: problemType('malformed-mapping'), detail: /nests deeper/ }, type)
  }
})
