import t from 'tap'
import { readFileSync } from 'node:fs'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { registeredProblems } from '../../src/http/problem.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app } = await buildTestApp(store, { BEHORIG_BODY_LIMIT: '2048' })
app.get('/test/boom', { config: { auth: false } }, async function boom () {
  throw new Error('connection to 10.0.0.7 failed: password authentication failed for user "behorig"')
})

t.test('unknown routes get a 404 problem', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { type: problemType('not-found'), status: 404, instance: '/v1/nothing-here' })
})

t.test('a body over the limit gets 413', async (t) => {
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${randomOrganisationNumber()}`, headers: adminHeaders, payload: { name: 'x'.repeat(4000), kind: 'municipality' } })
  t.equal(res.statusCode, 413)
  t.equal(res.json().type, problemType('payload-too-large'))
})

t.test('an unsupported content type gets 415', async (t) => {
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${randomOrganisationNumber()}`, headers: { ...adminHeaders, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' })
  t.equal(res.statusCode, 415)
  t.equal(res.json().type, problemType('unsupported-media-type'))
})

t.test('malformed JSON gets a 400 problem', async (t) => {
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${randomOrganisationNumber()}`, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: '{"name": ' })
  t.equal(res.statusCode, 400)
  t.equal(res.json().type, problemType('validation-failed'))
})

t.test('a 500 never shows internals', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/test/boom' })
  t.equal(res.statusCode, 500)
  t.match(res.json(), { type: problemType('internal-error'), status: 500 })
  t.notOk(res.body.includes('10.0.0.7'))
  t.notOk(res.body.includes('password'))
})

t.test('every problem type is documented in docs/problems.md', async (t) => {
  const docs = readFileSync(new URL('../../docs/problems.md', import.meta.url), 'utf8')
  const documented = new Set([...docs.matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]))
  const problems = registeredProblems()
  t.ok(problems.length >= 10)
  for (const p of problems) t.ok(documented.has(p.slug), `${p.slug} (${p.status} ${p.title}) is documented`)
})
