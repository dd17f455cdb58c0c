import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app } = await buildTestApp(store)

t.test('creates an organisation with 201, then updates it with 200', async (t) => {
  const org = randomOrganisationNumber()
  const created = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'Exempelkommun', kind: 'municipality', municipality_code: '1280' } })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { number: org, name: 'Exempelkommun', kind: 'municipality', municipality_code: '1280' })
  const updated = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'Exempel kommun', kind: 'municipality' } })
  t.equal(updated.statusCode, 200)
  t.match(updated.json(), { name: 'Exempel kommun', municipality_code: null })
  const read = await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: adminHeaders })
  t.equal(read.json().name, 'Exempel kommun')
  t.equal(read.json().created_at, created.json().created_at)
})

t.test('refuses a bad organisation number, naming the rule', async (t) => {
  for (const [number, rule] of [['2120000143', 'checksum'], ['2110000142', 'third-digit'], ['212000-0142', 'format'], ['21200001', 'format']] as const) {
    const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${number}`, headers: adminHeaders, payload: { name: 'X', kind: 'municipality' } })
    t.equal(res.statusCode, 400, number)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), { type: problemType('invalid-organisation-number'), status: 400, rule, errors: [{ pointer: '/org', location: 'path' }] }, number)
  }
})

t.test('refuses a bad body with a pointer per failure', async (t) => {
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${randomOrganisationNumber()}`, headers: adminHeaders, payload: { name: '', kind: 'kommun', municipality_code: '12', colour: 'red' } })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.equal(body.type, problemType('validation-failed'))
  t.same(body.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/colour', '/kind', '/municipality_code', '/name'])
})

t.test('answers 404 for an unknown organisation', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${randomOrganisationNumber()}`, headers: adminHeaders })
  t.equal(res.statusCode, 404)
  t.equal(res.json().type, problemType('unknown-organisation'))
})

t.test('lists organisations page by page with an opaque cursor', async (t) => {
  for (let i = 0; i < 5; i++) {
    await app.inject({ method: 'PUT', url: `/v1/organisations/${randomOrganisationNumber()}`, headers: adminHeaders, payload: { name: `Kommun ${i}`, kind: 'municipality' } })
  }
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const url: string = `/v1/organisations?limit=2${cursor ? `&cursor=${cursor}` : ''}`
    const res = await app.inject({ method: 'GET', url, headers: adminHeaders })
    t.equal(res.statusCode, 200)
    const body = res.json() as { items: { number: string }[], next_cursor: string | null }
    t.ok(body.items.length <= 2)
    seen.push(...body.items.map((o) => o.number))
    cursor = body.next_cursor
  } while (cursor)
  t.ok(seen.length >= 5)
  t.same(seen, [...seen].sort(), 'ordered by number')
  t.equal(new Set(seen).size, seen.length, 'no organisation twice')
  const bad = await app.inject({ method: 'GET', url: '/v1/organisations?cursor=not-a-cursor', headers: adminHeaders })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ pointer: '/cursor', location: 'query' }])
})
