import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { parseApiKey } from '../../src/auth/secrets.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)

t.test('asks for credentials when none are sent', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/organisations' })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="behorig"')
  t.equal(res.json().type, problemType('unauthenticated'))
})

t.test('refuses a wrong admin token, a malformed header and a made-up API key', async (t) => {
  for (const authorization of ['Bearer wrong-token', 'Basic dXNlcjpwYXNz', `Bearer bhk_AAAAAAAAAAAAAAAA_${'A'.repeat(43)}`, 'Bearer']) {
    const res = await app.inject({ method: 'GET', url: '/v1/organisations', headers: { authorization } })
    t.equal(res.statusCode, 401, authorization)
    t.equal(res.json().type, problemType('invalid-credentials'), authorization)
  }
})

t.test('lets public routes through without credentials', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 200)
})

t.test('an API key works for its scopes and organisation only', async (t) => {
  const org = await createOrganisation()
  const reader = await apiKeyHeaders(org, ['organisation:read'])
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: reader })).statusCode, 200)
  const listed = await app.inject({ method: 'GET', url: '/v1/organisations', headers: reader })
  t.same(listed.json().items.map((o: { number: string }) => o.number), [org], 'a key lists only its own organisation')

  const noScope = await apiKeyHeaders(org, ['sources:read'])
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: noScope })
  t.equal(res.statusCode, 403)
  t.match(res.json(), { type: problemType('insufficient-scope'), required_scope: 'organisation:read' })

  const platformOnly = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: reader, payload: { name: 'X', kind: 'municipality' } })
  t.equal(platformOnly.statusCode, 403)
  t.equal(platformOnly.json().type, problemType('platform-admin-only'))
})

t.test('shows a key once, stores only its hash, and revokes it', async (t) => {
  const org = await createOrganisation()
  const created = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes: ['organisation:read'], name: 'HR-import' } })
  t.equal(created.statusCode, 201)
  const { id, key, scopes } = created.json()
  t.match(key, /^bhk_[A-Za-z0-9-]{16}_[A-Za-z0-9_-]{43}$/)
  t.same(scopes, ['organisation:read'])
  const row = await store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  // The secret by the key's format, not by splitting on `_`: the secret's alphabet has `_` too.
  const { secret } = parseApiKey(key) ?? { secret: '' }
  t.equal(secret.length, 43, 'the key has the documented format')
  t.notOk(JSON.stringify(row).includes(secret), 'the secret is not stored')
  const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders })
  t.notOk(list.body.includes(secret), 'listing never shows the secret')
  t.match(list.json().items, [{ id, name: 'HR-import' }])

  const headers = { authorization: `Bearer ${key}` }
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/api-keys/${id}`, headers: adminHeaders })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers })).statusCode, 401, 'a revoked key no longer works')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/api-keys/${id}`, headers: adminHeaders })).statusCode, 404)
})

t.test('a key cannot create a key with scopes it does not hold', async (t) => {
  const org = await createOrganisation()
  const keyAdmin = await apiKeyHeaders(org, ['api-keys:write', 'organisation:read'])
  const ok = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: keyAdmin, payload: { scopes: ['organisation:read'] } })
  t.equal(ok.statusCode, 201)
  const escalate = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: keyAdmin, payload: { scopes: ['audit:read'] } })
  t.equal(escalate.statusCode, 403)
  t.equal(escalate.json().type, problemType('scope-escalation'))
})

t.test('a key can revoke only keys whose scopes it holds itself; the platform admin any', async (t) => {
  const org = await createOrganisation()
  const keysOnly = await apiKeyHeaders(org, ['api-keys:write'])
  const create = async (scopes: string[]) => (await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes } })).json() as { id: string, key: string }
  const revoke = (id: string, headers: { authorization: string }) => app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/api-keys/${id}`, headers })
  const stronger = await create(['api-keys:write', 'audit:read'])
  const refused = await revoke(stronger.id, keysOnly)
  t.equal(refused.statusCode, 403)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.match(refused.json(), { type: problemType('scope-escalation'), missing_scopes: ['audit:read'] })
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/api-keys`, headers: { authorization: `Bearer ${stronger.key}` } })).statusCode, 200, 'the stronger key still works')
  const equal = await create(['api-keys:write'])
  t.equal((await revoke(equal.id, keysOnly)).statusCode, 204, 'a key with the same scopes may be revoked')
  t.equal((await revoke(stronger.id, adminHeaders)).statusCode, 204, 'the platform admin revokes any key')
  t.equal((await revoke(stronger.id, keysOnly)).statusCode, 404, 'a revoked key is gone, whoever asks')
})
