import t from 'tap'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import { buildTestApp, openTestStore } from '../helpers/app.js'

const store = await openTestStore()
const ISSUER = 'https://behorig.test'
const { app } = await buildTestApp(store, {
  BEHORIG_ISSUER: ISSUER,
  BEHORIG_FEDERATION_AUTHORITY_HINTS: 'https://intermediate.test,https://anchor.test',
  BEHORIG_FEDERATION_ORGANIZATION_NAME: 'Behörig testplattform'
})
await app.ready()

async function entityConfiguration () {
  const res = await app.inject({ method: 'GET', url: '/.well-known/openid-federation' })
  t.equal(res.statusCode, 200)
  return { res, jwt: res.body }
}

t.test('the entity configuration is a signed entity statement about behorig, verified by the keys it publishes', async (t) => {
  const { res, jwt } = await entityConfiguration()
  t.match(res.headers['content-type'], /^application\/entity-statement\+jwt/)
  const header = decodeProtectedHeader(jwt)
  t.equal(header.typ, 'entity-statement+jwt')
  const published = (JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as { jwks: JSONWebKeySet }).jwks
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(published), { issuer: ISSUER, subject: ISSUER, typ: 'entity-statement+jwt' })
  t.equal((payload.exp as number) - (payload.iat as number), 86_400, 'valid for a day by default')
  t.same(payload['authority_hints'], ['https://intermediate.test', 'https://anchor.test'])
  const metadata = payload['metadata'] as Record<string, Record<string, unknown>>
  const rfc8414 = (await app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json()
  t.same(metadata['oauth_authorization_server'], rfc8414, 'the authorization server metadata is the RFC 8414 document')
  t.equal(metadata['federation_entity']?.['organization_name'], 'Behörig testplattform')
})

t.test('federation keys are not token keys: the token JWKS never holds one and tokens are not signed with one', async (t) => {
  const { jwt } = await entityConfiguration()
  const federationKids = (JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as { jwks: JSONWebKeySet }).jwks.keys.map((k) => k.kid)
  t.equal(federationKids.length, 2, 'the active and the next federation key')
  const tokenKids = ((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet).keys.map((k) => k.kid)
  t.equal(tokenKids.length, 2)
  t.same(tokenKids.filter((kid) => federationKids.includes(kid)), [], 'no kid in both sets')
  t.notOk(federationKids.includes((await app.behorig.tokenServices.keys.currentSigner()).kid), 'the token signer is a token key')
  t.ok(federationKids.includes(decodeProtectedHeader(jwt).kid), 'the entity configuration is signed by a federation key')
})

t.test('the federation key rotates like the token keys, on its own: next becomes active, the retired key stays published', async (t) => {
  const before = decodeProtectedHeader((await entityConfiguration()).jwt).kid
  const tokenKid = (await app.behorig.tokenServices.keys.currentSigner()).kid
  const rotated = await app.behorig.tokenServices.federationKeys.rotate({ force: true })
  t.equal(rotated.rotated, true)
  const { jwt } = await entityConfiguration()
  t.equal(decodeProtectedHeader(jwt).kid, rotated.active.kid, 'the former next key signs')
  t.not(rotated.active.kid, before)
  const kids = (JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as { jwks: JSONWebKeySet }).jwks.keys.map((k) => k.kid)
  t.ok(kids.includes(before), 'the retired federation key is still published')
  t.ok(kids.includes(rotated.next.kid), 'a new next key is published')
  t.equal((await app.behorig.tokenServices.keys.currentSigner()).kid, tokenKid, 'the token key did not move')
  const rows = await store.db.selectFrom('signing_keys').select(['purpose', 'state']).execute()
  t.same(rows.filter((r) => r.purpose === 'federation').map((r) => r.state).sort(), ['active', 'next', 'retired'])
})
