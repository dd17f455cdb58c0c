import t, { type Test } from 'tap'
import { createPublicKey, randomUUID } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { uniqueTestId, requireRedisUrl } from '../helpers/services.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest } from '../helpers/relying-party.js'

const ISSUER = 'https://behorig.test'
const store = await openTestStore()
const { app } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })
const key = await clientKey('ES256')
const other = await clientKey('ES256')
await registerRelyingParty(app, 'fk', relyingPartyDocument([key]))
await registerRelyingParty(app, 'csn', relyingPartyDocument([other]))

async function refused (t: Test, res: Awaited<ReturnType<typeof tokenRequest>>, reason: RegExp, error = 'invalid_client', status = 401) {
  t.equal(res.statusCode, status, res.body)
  t.match(res.headers['content-type'], /^application\/json/, 'RFC 6749 JSON, not problem+json')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.json().error, error)
  t.type(res.json().error_description, 'string')
  t.match(res.json().error_description, reason, 'refused for the right reason')
}

t.test('a valid assertion gets an RFC 9068 access token', async (t) => {
  const res = await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER))
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  const body = res.json()
  t.match(body, { token_type: 'Bearer', expires_in: 300, scope: 'attribute-tokens' })
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), { typ: 'at+jwt', issuer: ISSUER, audience: `${ISSUER}/v1/attribute-tokens` })
  t.match(protectedHeader, { typ: 'at+jwt', alg: 'ES256' })
  t.match(payload, { iss: ISSUER, sub: 'fk', client_id: 'fk', scope: 'attribute-tokens' })
  t.equal((payload.exp as number) - (payload.iat as number), 300)
  t.type(payload.jti, 'string')
})

t.test('the token endpoint URL is also accepted as audience', async (t) => {
  const res = await tokenRequest(app, await clientAssertion(key, 'fk', `${ISSUER}/oauth/token`))
  t.equal(res.statusCode, 200, res.body)
})

t.test('EdDSA and RS256 client keys work too', async (t) => {
  for (const alg of ['EdDSA', 'RS256', 'PS256']) {
    const k = await clientKey(alg)
    await registerRelyingParty(app, `alg-${alg.toLowerCase()}`, relyingPartyDocument([k]))
    const res = await tokenRequest(app, await clientAssertion(k, `alg-${alg.toLowerCase()}`, ISSUER))
    t.equal(res.statusCode, 200, `${alg}: ${res.body}`)
  }
})

t.test('refuses an assertion whose iss and sub differ', async (t) => {
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { claims: { sub: 'someone-else' } })), /iss and sub/)
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { claims: { iss: 'csn' } })), /iss and sub/)
})

t.test('refuses an assertion for another audience', async (t) => {
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', 'https://other-as.example')), /aud/)
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', `${ISSUER}/v1/attribute-tokens`)), /aud/)
})

t.test('refuses an audience given as a list, even one holding only the issuer', async (t) => {
  for (const aud of [[ISSUER], [ISSUER, 'https://other-as.example'], [`${ISSUER}/oauth/token`]]) {
    await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { claims: { aud } })), /aud must be a single string/)
  }
})

t.test('refuses an assertion without exp', async (t) => {
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { omit: ['exp'] })), /exp is missing/)
})

t.test('refuses an assertion that expires more than 5 minutes ahead', async (t) => {
  const now = Math.floor(Date.now() / 1000)
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { claims: { exp: now + 600 } })), /more than 300 seconds ahead/)
  t.equal((await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { claims: { exp: now + 290 } }))).statusCode, 200, 'just under 5 minutes is fine')
})

t.test('refuses an expired assertion', async (t) => {
  const now = Math.floor(Date.now() / 1000)
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { claims: { iat: now - 300, exp: now - 120 } })), /expired/)
})

t.test('refuses an assertion without jti', async (t) => {
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { omit: ['jti'] })), /jti is missing/)
})

t.test('refuses a replayed client assertion', async (t) => {
  const assertion = await clientAssertion(key, 'fk', ISSUER)
  t.equal((await tokenRequest(app, assertion)).statusCode, 200)
  await refused(t, await tokenRequest(app, assertion), /jti was already used/)
  const sameJti = await clientAssertion(key, 'fk', ISSUER, { claims: { jti: JSON.parse(Buffer.from(assertion.split('.')[1] as string, 'base64url').toString()).jti } })
  await refused(t, await tokenRequest(app, sameJti), /jti was already used/)
  t.equal((await store.db.selectFrom('client_assertion_jtis').selectAll().where('client_id', '=', 'fk').execute()).length > 0, true, 'remembered in the store without Redis')
})

t.test('an assertion accepted in its clock leeway after exp is still refused on replay', async (t) => {
  const redisEnv = { BEHORIG_ISSUER: ISSUER, REDIS_URL: requireRedisUrl(), BEHORIG_QUEUE_NAME: uniqueTestId(), BEHORIG_RUN_JOBS: 'false' }
  const withRedis = (await buildTestApp(store, redisEnv)).app
  for (const [guard, node] of [['the store', app], ['Redis', withRedis]] as const) {
    const now = Math.floor(Date.now() / 1000)
    // exp passed 5 s ago: inside the 10 s leeway, so accepted once.
    const assertion = await clientAssertion(key, 'fk', ISSUER, { claims: { iat: now - 60, exp: now - 5 } })
    t.equal((await tokenRequest(node, assertion)).statusCode, 200, `${guard}: accepted within the leeway`)
    await refused(t, await tokenRequest(node, assertion), /jti was already used/)
  }
})

t.test('refuses alg none', async (t) => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const unsigned = `${b64({ alg: 'none', kid: key.kid })}.${b64({ iss: 'fk', sub: 'fk', aud: ISSUER, exp: now + 60, jti: randomUUID() })}.`
  await refused(t, await tokenRequest(app, unsigned), /alg none is not accepted/)
})

t.test('refuses HS256 keyed with the client\'s public key', async (t) => {
  const publicPem = createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const now = Math.floor(Date.now() / 1000)
  for (const secret of [Buffer.from(publicPem), Buffer.from(JSON.stringify(key.publicJwk))]) {
    const forged = await new SignJWT({ iss: 'fk', sub: 'fk', aud: ISSUER, exp: now + 60, jti: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(secret)
    await refused(t, await tokenRequest(app, forged), /alg HS256 is not accepted/)
  }
})

t.test('refuses an unknown kid', async (t) => {
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER, { header: { kid: 'no-such-key' } })), /no registered key matches/)
})

t.test('refuses a signature by another key', async (t) => {
  const impostor = { ...other, kid: key.kid }
  await refused(t, await tokenRequest(app, await clientAssertion(impostor, 'fk', ISSUER)), /signature does not verify/)
})

t.test('refuses an unknown client', async (t) => {
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'no-such-client', ISSUER)), /unknown or disabled client/)
})

t.test('refuses a disabled client at once, and accepts it again when enabled', async (t) => {
  const k = await clientKey()
  await registerRelyingParty(app, 'to-disable', relyingPartyDocument([k]))
  t.equal((await tokenRequest(app, await clientAssertion(k, 'to-disable', ISSUER))).statusCode, 200)
  await registerRelyingParty(app, 'to-disable', relyingPartyDocument([k], { disabled: true }))
  const res = await tokenRequest(app, await clientAssertion(k, 'to-disable', ISSUER))
  await refused(t, res, /^unknown or disabled client$/, 'invalid_client')
  await registerRelyingParty(app, 'to-disable', relyingPartyDocument([k]))
  t.equal((await tokenRequest(app, await clientAssertion(k, 'to-disable', ISSUER))).statusCode, 200)
})

t.test('refuses a client_id parameter that is not the assertion\'s iss', async (t) => {
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER), { client_id: 'csn' }), /client_id does not match/)
})

t.test('refuses malformed token requests in RFC 6749 form', async (t) => {
  await refused(t, await tokenRequest(app, 'not-a-jwt'), /not a JWT/)
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }), /client_assertion_type must be/)
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER), { grant_type: 'password' }), /grant_type must be/, 'unsupported_grant_type', 400)
  await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER), { scope: 'admin' }), /only scope/, 'invalid_scope', 400)
  const form = (body: string, type = 'application/x-www-form-urlencoded') => app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': type }, payload: body })
  await refused(t, await form('grant_type=client_credentials'), /private_key_jwt/, 'invalid_request', 400)
  await refused(t, await form('client_assertion=x'), /grant_type/, 'invalid_request', 400)
  await refused(t, await form('grant_type=client_credentials&grant_type=client_credentials'), /more than once/, 'invalid_request', 400)
  await refused(t, await form(JSON.stringify({ grant_type: 'client_credentials' }), 'application/json'), /x-www-form-urlencoded/, 'invalid_request', 400)
})

t.test('a grant_type naming a property every object inherits is an unsupported grant type', async (t) => {
  for (const grantType of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    await refused(t, await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER), { grant_type: grantType }), /grant_type must be one of: client_credentials, urn:ietf:params:oauth:grant-type:token-exchange/, 'unsupported_grant_type', 400)
  }
})

t.test('publishes RFC 8414 authorization server metadata', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['cache-control'], /max-age/)
  t.same(res.json(), {
    issuer: ISSUER,
    token_endpoint: `${ISSUER}/oauth/token`,
    jwks_uri: `${ISSUER}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    response_types_supported: [],
    scopes_supported: ['attribute-tokens'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['ES256', 'EdDSA', 'PS256', 'RS256'],
    service_documentation: `${ISSUER}/docs`,
    subject_token_types_supported: ['urn:ietf:params:oauth:token-type:jwt', 'urn:ietf:params:oauth:token-type:id_token', 'urn:ietf:params:oauth:token-type:saml2']
  })
})

t.test('a jti used at one node is refused at another sharing Redis', async (t) => {
  const env = { BEHORIG_ISSUER: ISSUER, REDIS_URL: requireRedisUrl(), BEHORIG_QUEUE_NAME: uniqueTestId(), BEHORIG_RUN_JOBS: 'false' }
  const a = await buildTestApp(store, env)
  const b = await buildTestApp(store, env)
  const assertion = await clientAssertion(key, 'fk', ISSUER)
  t.equal((await tokenRequest(a.app, assertion)).statusCode, 200)
  await refused(t, await tokenRequest(b.app, assertion), /jti was already used/)
  await refused(t, await tokenRequest(a.app, assertion), /jti was already used/)
  t.equal(decodeProtectedHeader((await tokenRequest(b.app, await clientAssertion(key, 'fk', ISSUER))).json().access_token).typ, 'at+jwt', 'a fresh jti works at the other node')
})
