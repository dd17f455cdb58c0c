import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, type ClientKey } from '../helpers/relying-party.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { JWT_BEARER_ASSERTION } from '../../src/oauth/client-assertion.js'
import { CORS_ROUTES } from '../../src/http/cors.js'
import { claimedClientId } from '../../src/oauth/claimed-client.js'
import { problemType } from '../helpers/problem-type.js'

const ISSUER = 'https://behorig.test'
const store = await openTestStore()
// Small limits so a test can reach them; the platform admin (setup) has room. The default
// inject address 127.0.0.1 is the trusted proxy; tests that count by address use their own.
const LIMITS = {
  BEHORIG_ISSUER: ISSUER,
  BEHORIG_RATE_LIMIT_API_KEY: '3',
  BEHORIG_RATE_LIMIT_RELYING_PARTY: '3',
  BEHORIG_RATE_LIMIT_TOKEN_ENDPOINT: '4',
  BEHORIG_RATE_LIMIT_ANONYMOUS: '6',
  BEHORIG_RATE_LIMIT_PLATFORM_ADMIN: '100000',
  BEHORIG_RATE_LIMIT_FAILED_AUTH: '3',
  BEHORIG_TRUST_PROXY: '127.0.0.1',
  BEHORIG_REQUEST_TIMEOUT_MS: '15000',
  BEHORIG_CONNECTION_TIMEOUT_MS: '45000'
}
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store, LIMITS)

const form = (assertion: string, extra: Record<string, string> = {}): string =>
  new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion, ...extra }).toString()

function tokenRequest (target: FastifyInstance, body: string, remoteAddress: string) {
  return target.inject({ method: 'POST', url: '/oauth/token', remoteAddress, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body })
}

/** A registered agency and an access token for it, fetched from an address of its own. */
async function agencyBearer (clientId: string, address: string): Promise<{ key: ClientKey, headers: { authorization: string } }> {
  const key = await clientKey()
  await registerRelyingParty(app, clientId, relyingPartyDocument([key]))
  const res = await tokenRequest(app, form(await clientAssertion(key, clientId, ISSUER)), address)
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return { key, headers: { authorization: `Bearer ${res.json().access_token as string}` } }
}

function assertRateLimitedProblem (t: Test, res: Awaited<ReturnType<FastifyInstance['inject']>>): void {
  t.equal(res.statusCode, 429, res.body)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { type: problemType('rate-limited', ISSUER), title: 'Too many requests', status: 429 })
  const retryAfter = Number(res.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(res.headers['retry-after'])} is whole seconds within the window`)
}

t.test('each API key has its own bucket; the one over its limit gets a 429 problem with Retry-After', async (t) => {
  const org = await createOrganisation()
  const first = await apiKeyHeaders(org, ['organisation:read'])
  const second = await apiKeyHeaders(org, ['organisation:read'])
  const read = (headers: { authorization: string }) => app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers })
  for (let i = 0; i < 3; i++) t.equal((await read(first)).statusCode, 200, `request ${i + 1} of 3`)
  assertRateLimitedProblem(t, await read(first))
  t.equal((await read(second)).statusCode, 200, 'the other key of the same organisation is not limited')
  t.equal((await read(adminHeaders)).statusCode, 200, 'nor is the platform admin')
})

t.test('each relying party has its own bucket on /v1/attribute-tokens, whatever address it calls from', async (t) => {
  const fk = await agencyBearer('rl-fk', '10.1.0.1')
  const csn = await agencyBearer('rl-csn', '10.1.0.2')
  const ask = (headers: { authorization: string }, remoteAddress: string) => app.inject({
    method: 'POST', url: '/v1/attribute-tokens', remoteAddress, headers, payload: { subject: { type: 'employee-number', value: '1', organisation: randomOrganisationNumber() } }
  })
  for (let i = 0; i < 3; i++) t.equal((await ask(fk.headers, `10.1.1.${i}`)).statusCode, 404, 'counted, then answered (nobody to find)')
  assertRateLimitedProblem(t, await ask(fk.headers, '10.1.1.9'))
  t.equal((await ask(csn.headers, '10.1.1.9')).statusCode, 404, 'another relying party from the same address is not limited')
})

t.test('/oauth/token counts by the client_id claimed, and by address, answering 429 in OAuth form', async (t) => {
  const key = await clientKey()
  await registerRelyingParty(app, 'rl-token', relyingPartyDocument([key]))
  const address = '10.2.0.1'
  for (let i = 0; i < 4; i++) t.equal((await tokenRequest(app, form(await clientAssertion(key, 'rl-token', ISSUER)), address)).statusCode, 200, `token ${i + 1} of 4`)
  const refused = await tokenRequest(app, form(await clientAssertion(key, 'rl-token', ISSUER)), address)
  t.equal(refused.statusCode, 429)
  t.equal(refused.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(refused.headers['cache-control'], 'no-store')
  t.same(Object.keys(refused.json()).sort(), ['error', 'error_description'])
  t.equal(refused.json().error, 'temporarily_unavailable')
  t.ok(Number(refused.headers['retry-after']) >= 1)
  // Five requests from this address so far: an invented client_id gets one more before the address's limit (6).
  t.equal((await tokenRequest(app, form('x.y.z', { client_id: 'invented-1' }), address)).statusCode, 401, 'its own bucket is fresh: refused as an unknown client, not limited')
  t.equal((await tokenRequest(app, form('x.y.z', { client_id: 'invented-2' }), address)).statusCode, 429, 'the address is spent')
})

t.test('the claimed client_id is the form\'s, else the assertion\'s iss; anything else counts by address', async (t) => {
  const key = await clientKey()
  const assertion = await clientAssertion(key, 'from-assertion', ISSUER)
  t.equal(claimedClientId({ client_assertion: assertion }), 'from-assertion')
  t.equal(claimedClientId({ client_id: 'from-form', client_assertion: assertion }), 'from-form')
  t.equal(claimedClientId({ client_assertion: 'not-a-jwt' }), undefined)
  t.equal(claimedClientId({ client_id: 'x'.repeat(500) }), undefined)
  const entityId = `https://myndighet.example.se/${'e'.repeat(200)}`
  t.equal(claimedClientId({ client_id: entityId }), entityId, 'an OpenID Federation entity id longer than 128 characters is still a claim')
  t.equal(claimedClientId({ client_id: `https://myndighet.example.se/${'e'.repeat(500)}` }), undefined, 'but not one longer than 512')
  t.equal(claimedClientId('grant_type=client_credentials'), undefined)
})

t.test('public routes count by client address; health checks are never limited', async (t) => {
  for (let i = 0; i < 6; i++) t.equal((await app.inject({ method: 'GET', url: '/.well-known/jwks.json', remoteAddress: '10.3.0.1' })).statusCode, 200)
  assertRateLimitedProblem(t, await app.inject({ method: 'GET', url: '/v1/catalog', remoteAddress: '10.3.0.1' }))
  t.equal((await app.inject({ method: 'GET', url: '/v1/catalog', remoteAddress: '10.3.0.2' })).statusCode, 200, 'another address is not limited')
  for (let i = 0; i < 10; i++) t.equal((await app.inject({ method: 'GET', url: '/health/live', remoteAddress: '10.3.0.1' })).statusCode, 200)
  const unknown = await app.inject({ method: 'GET', url: '/v1/no-such-route', remoteAddress: '10.3.0.1' })
  t.equal(unknown.statusCode, 429, 'unknown routes count against the address too')
})

t.test('an address whose credentials keep failing is refused before any credential is checked', async (t) => {
  const list = (authorization: string, remoteAddress: string) => app.inject({ method: 'GET', url: '/v1/organisations', remoteAddress, headers: { authorization } })
  for (let i = 0; i < 3; i++) t.equal((await list(`Bearer guess-${i}-0123456789abcdef0123456789abcdef`, '10.9.0.1')).statusCode, 401)
  assertRateLimitedProblem(t, await list(adminHeaders.authorization, '10.9.0.1'))
  t.equal((await app.inject({ method: 'GET', url: '/v1/catalog', remoteAddress: '10.9.0.1' })).statusCode, 200, 'public routes still answer it')
  t.equal((await list(adminHeaders.authorization, '10.9.0.2')).statusCode, 200, 'other addresses are not affected')
  const scim = await app.inject({ method: 'GET', url: `/scim/v2/${randomOrganisationNumber()}/Users`, remoteAddress: '10.9.0.1', headers: adminHeaders })
  t.equal(scim.statusCode, 429)
  t.match(scim.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' }, 'SCIM clients get the refusal in SCIM form')
  t.ok(Number(scim.headers['retry-after']) >= 1)
})

t.test('behind the trusted proxy the forwarded address is counted; from anyone else X-Forwarded-For is ignored', async (t) => {
  const via = (forwarded: string, remoteAddress = '127.0.0.1') => app.inject({ method: 'GET', url: '/v1/catalog', remoteAddress, headers: { 'x-forwarded-for': forwarded } })
  for (let i = 0; i < 6; i++) t.equal((await via('192.0.2.1')).statusCode, 200)
  t.equal((await via('192.0.2.1')).statusCode, 429)
  t.equal((await via('192.0.2.2')).statusCode, 200, 'another client behind the same proxy')
  for (let i = 0; i < 6; i++) t.equal((await via(`192.0.2.${10 + i}`, '10.4.0.1')).statusCode, 200)
  t.equal((await via('192.0.2.99', '10.4.0.1')).statusCode, 429, 'a direct caller cannot spread itself over forged addresses')
})

t.test('Redis-backed limits are shared by every API node', async (t) => {
  const redisUrl = requireRedisUrl()
  const namespace = uniqueTestId()
  const env = { BEHORIG_ISSUER: ISSUER, REDIS_URL: redisUrl, BEHORIG_QUEUE_NAME: namespace, BEHORIG_RUN_JOBS: 'false', BEHORIG_RATE_LIMIT_ANONYMOUS: '4' }
  const nodes = [(await buildTestApp(store, env)).app, (await buildTestApp(store, env)).app]
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) {
    statuses.push((await (nodes[i % 2] as FastifyInstance).inject({ method: 'GET', url: '/v1/catalog', remoteAddress: '10.5.0.1' })).statusCode)
  }
  t.same(statuses, [200, 200, 200, 200, 429, 429], 'four in all across both nodes, then both refuse')
  const redis = new Redis(redisUrl)
  t.teardown(() => redis.disconnect())
  const keys = await redis.keys(`${namespace}:rate-limit:*`)
  t.ok(keys.some((k) => k.endsWith('anonymous:10.5.0.1')), `counted in Redis: ${keys.join(', ')}`)
})

t.test('the attribute-token route takes a few kB of body, the token endpoint 96 KiB; admin documents up to BEHORIG_BODY_LIMIT', async (t) => {
  const { headers } = await agencyBearer('rl-body', '10.6.0.1')
  const big = await app.inject({ method: 'POST', url: '/v1/attribute-tokens', headers, payload: { subject: { type: 'email', value: 'x'.repeat(9000), organisation: '2120000142' } } })
  t.equal(big.statusCode, 413)
  t.equal(big.json().type, problemType('payload-too-large', ISSUER))
  // The token endpoint (96 KiB, for SAML subject tokens) keeps RFC 6749's error form for every refusal, this one included.
  const form = await tokenRequest(app, `grant_type=client_credentials&client_assertion=${'x'.repeat(100_000)}`, '10.6.0.2')
  t.equal(form.statusCode, 400)
  t.match(form.json(), { error: 'invalid_request', error_description: /too large/i })
  const org = randomOrganisationNumber()
  const mid = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'Exempelkommun', kind: 'municipality', padding: 'x'.repeat(20_000) } })
  t.equal(mid.statusCode, 400, 'a 20 kB admin document is read (and refused for its unknown member, not its size)')
  const huge = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'x'.repeat(1_100_000), kind: 'municipality' } })
  t.equal(huge.statusCode, 413)
  t.equal(huge.json().type, problemType('payload-too-large', ISSUER))
})

t.test('API security headers on answers and refusals; the Swagger UI has its own policy', async (t) => {
  for (const res of [await app.inject({ method: 'GET', url: '/health/live' }), await app.inject({ method: 'GET', url: '/v1/organisations' })]) {
    t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'")
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['referrer-policy'], 'no-referrer')
    t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
    t.equal(res.headers['cross-origin-resource-policy'], 'same-origin')
    t.notOk(res.headers['x-powered-by'])
  }
  const docs = await app.inject({ method: 'GET', url: '/docs', remoteAddress: '10.8.0.1' })
  t.equal(docs.statusCode, 200)
  t.match(String(docs.headers['content-security-policy']), /script-src 'self'/, 'the docs page may run its own scripts')
})

t.test('CORS: exactly the documented public GET routes, no credentials', async (t) => {
  const summaries = app.routeSummaries
  for (const url of CORS_ROUTES) t.ok(summaries.some((r) => r.method === 'GET' && r.url === url && r.auth === false), `${url} is a public GET route`)
  const origin = 'https://verifier.agency.example'
  // Each from an address of its own, so the anonymous limit stays out of this test.
  let n = 0
  const remoteAddress = (): string => `10.7.0.${++n}`
  const concrete = ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server', '/status-lists/1', '/v1/catalog', '/v1/catalog/socialtjanst/diff?from=1.0.0&to=1.0.0', '/v1/catalog/socialtjanst/1.0.0', '/v1/catalog/socialtjanst/latest/attributes/socialtjanst.eb.handlaggare']
  for (const url of concrete) {
    const res = await app.inject({ method: 'GET', url, remoteAddress: remoteAddress(), headers: { origin } })
    t.equal(res.headers['access-control-allow-origin'], '*', `GET ${url}`)
    t.notOk(res.headers['access-control-allow-credentials'])
    const preflight = await app.inject({ method: 'OPTIONS', url, remoteAddress: remoteAddress(), headers: { origin, 'access-control-request-method': 'GET' } })
    t.equal(preflight.statusCode, 204, `OPTIONS ${url}`)
    t.equal(preflight.headers['access-control-allow-methods'], 'GET')
    t.equal(preflight.headers['access-control-allow-origin'], '*')
  }
  const closed = [
    { method: 'GET', url: '/v1/organisations', headers: adminHeaders },
    { method: 'POST', url: '/v1/attribute-tokens' },
    { method: 'POST', url: '/oauth/token' },
    { method: 'GET', url: '/openapi.json' },
    { method: 'GET', url: '/health/ready' },
    { method: 'PUT', url: '/v1/relying-parties/x' }
  ] as const
  for (const route of closed) {
    const res = await app.inject({ method: route.method, url: route.url, remoteAddress: remoteAddress(), headers: { origin, ...('headers' in route ? route.headers : {}) } })
    t.notOk(res.headers['access-control-allow-origin'], `${route.method} ${route.url} has no CORS headers`)
    const preflight = await app.inject({ method: 'OPTIONS', url: route.url, remoteAddress: remoteAddress(), headers: { origin, 'access-control-request-method': route.method, 'access-control-request-headers': 'authorization' } })
    t.equal(preflight.statusCode, 404, `a preflight for ${route.method} ${route.url} is not answered`)
    t.notOk(Object.keys(preflight.headers).some((h) => h.startsWith('access-control-')), `no access-control-* headers for ${route.url}`)
  }
})

t.test('request and connection timeouts come from the configuration', async (t) => {
  t.equal(app.server.requestTimeout, 15000, 'a whole request must arrive within it')
  t.equal(app.server.timeout, 45000, 'an idle connection is closed after it')
})
