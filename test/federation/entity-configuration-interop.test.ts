import t from 'tap'
import { entityConfigurationClaimsSchema, entityConfigurationHeaderSchema, fetchEntityConfiguration, type VerifyCallback } from '@openid-federation/core'
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { freePort } from '../helpers/listening-app.js'

// behorig's own entity configuration, served by a listening app over real HTTP, read by an
// independent implementation: @openid-federation/core's fetchEntityConfiguration (OpenID
// Federation 1.0 §9.1), which checks the media type and its zod schemas for the header and
// claims, then has the signature checked by the callback below with the key the `kid` names.
const store = await openTestStore()
const port = await freePort()
const ISSUER = `http://127.0.0.1:${port}`
const { app } = await buildTestApp(store, {
  BEHORIG_ISSUER: ISSUER,
  BEHORIG_FEDERATION_AUTHORITY_HINTS: 'https://intermediate.test,https://anchor.test',
  BEHORIG_FEDERATION_ORGANIZATION_NAME: 'Behörig testplattform'
})
await app.listen({ port, host: '127.0.0.1' })

/** jose checks the signature over the JWT with the key the library picked from its `jwks` by `kid`. */
const verifyWithJose: VerifyCallback = async ({ jwt, header, jwk }) => {
  const key = await importJWK(jwk as JWK, header['alg'] as string)
  return compactVerify(jwt, key).then(() => true, () => false)
}

t.test('@openid-federation/core fetches and accepts behorig\'s entity configuration', async (t) => {
  const claims = await fetchEntityConfiguration({ entityId: ISSUER, verifyJwtCallback: verifyWithJose })
  t.equal(claims.iss, ISSUER)
  t.equal(claims.sub, ISSUER)
  t.same(claims.authority_hints, ['https://intermediate.test', 'https://anchor.test'])
  t.equal(claims.metadata?.federation_entity?.organization_name, 'Behörig testplattform')
  t.ok(claims.metadata?.oauth_authorization_server, 'the authorization server metadata')
  t.ok(claims.exp > claims.iat, 'exp after iat (the library reads both as dates)')
})

t.test('the library\'s schemas accept the header and claims as served', async (t) => {
  const jwt = await (await fetch(`${ISSUER}/.well-known/openid-federation`)).text()
  t.ok(entityConfigurationHeaderSchema.safeParse(decodeProtectedHeader(jwt)).success, 'header')
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as unknown
  const parsed = entityConfigurationClaimsSchema.safeParse(payload)
  t.ok(parsed.success, parsed.success ? 'claims' : JSON.stringify(parsed.error.issues))
})

t.test('and refuses it with a broken signature', async (t) => {
  const tampering: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    const jwt = await res.text()
    const broken = jwt.slice(0, -6) + (jwt.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA')
    return new Response(broken, { status: res.status, headers: res.headers })
  }
  await t.rejects(fetchEntityConfiguration({ entityId: ISSUER, verifyJwtCallback: verifyWithJose, fetchCallback: tampering }), /Signature in the JWT is invalid/)
})
