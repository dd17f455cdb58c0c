import t, { type Test } from 'tap'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest } from '../helpers/relying-party.js'
import { accessTokenVerifier } from '../../src/oauth/access-token.js'
import { ProblemError } from '../../src/http/problem.js'

const ISSUER = 'https://behorig.test'
const store = await openTestStore()
const { app } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })
const services = app.behorig.tokenServices
const key = await clientKey()
await registerRelyingParty(app, 'fk', relyingPartyDocument([key]))

async function accessToken (clientId = 'fk', k = key): Promise<string> {
  const res = await tokenRequest(app, await clientAssertion(k, clientId, ISSUER))
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().access_token as string
}

/** The production verifier over this app's keys, counting how often it reads the published keys. */
function countingVerifier (clock = { now: Date.now() }, keySetTtlMs = 0) {
  const reads = { count: 0 }
  const verifier = accessTokenVerifier({
    issuer: ISSUER,
    keys: { jwks: async () => { reads.count++; return services.keys.jwks() } },
    keySetTtlMs,
    now: () => clock.now
  })
  return { verifier, reads, clock }
}

async function refusal (t: Test, promise: Promise<unknown>, detail: RegExp) {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  t.ok(error instanceof ProblemError, 'refused with a problem')
  t.equal((error as ProblemError).definition.slug, 'invalid-access-token')
  t.equal((error as ProblemError).status, 401)
  t.match((error as ProblemError).detail, detail)
  t.match((error as ProblemError).headers, { 'www-authenticate': /error="invalid_token"/ })
}

t.test('verifies an access token and names its relying party', async (t) => {
  const verified = await services.accessTokens.verify(await accessToken())
  t.equal(verified.clientId, 'fk')
  t.equal(verified.registration, (await services.relyingParties.findEnabled('fk'))?.generation, 'and the registration generation it was issued under')
  t.same(verified.scope, ['attribute-tokens'])
})

t.test('a bearer seen before is answered from the cache, without verifying its signature again', async (t) => {
  const { verifier, reads } = countingVerifier()
  const token = await accessToken()
  await verifier.verify(token)
  t.equal(reads.count, 1, 'the first use reads the keys and verifies')
  await verifier.verify(token)
  await verifier.verify(token)
  t.equal(reads.count, 1, 'later uses of the same token do not')
  await verifier.verify(await accessToken())
  t.equal(reads.count, 2, 'another token is verified')
})

t.test('refuses an expired token, even from the cache', async (t) => {
  const { verifier, clock } = countingVerifier()
  const token = await accessToken()
  await verifier.verify(token)
  clock.now += 301_000
  await refusal(t, verifier.verify(token), /invalid or has expired/)
})

t.test('refuses tokens behorig did not issue as access tokens', async (t) => {
  const now = Math.floor(Date.now() / 1000)
  const registration = (await services.relyingParties.findEnabled('fk'))?.generation
  const claims = { iss: ISSUER, sub: 'fk', client_id: 'fk', aud: `${ISSUER}/v1/attribute-tokens`, iat: now, exp: now + 300, jti: 'x', scope: 'attribute-tokens', registration }
  const { verifier } = countingVerifier()
  t.equal((await verifier.verify(await services.keys.signer.sign({ typ: 'at+jwt' }, claims))).clientId, 'fk', 'the claims below are refused each for its one change')
  await refusal(t, verifier.verify(await services.keys.signer.sign({ typ: 'at+jwt' }, { ...claims, registration: undefined })), /invalid/)
  await refusal(t, verifier.verify(await services.keys.signer.sign({ typ: 'JWT' }, claims)), /invalid/)
  await refusal(t, verifier.verify(await services.keys.signer.sign({ typ: 'at+jwt' }, { ...claims, aud: 'https://elsewhere' })), /invalid/)
  await refusal(t, verifier.verify(await services.keys.signer.sign({ typ: 'at+jwt' }, { ...claims, iss: 'https://other-issuer' })), /invalid/)
  await refusal(t, verifier.verify(await services.keys.signer.sign({ typ: 'at+jwt' }, { ...claims, sub: 'csn' })), /invalid/)
  const token = await accessToken()
  const [h, p] = token.split('.')
  await refusal(t, verifier.verify(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`), /invalid/)
  await refusal(t, verifier.verify('not.a.token'), /invalid/)
})

// Whether the party is still registered and enabled is read where it is used, with the
// subject (test/tokens/attribute-tokens.test.ts: 'a disabled relying party is refused at once').
t.test('the verifier answers for the token alone', async (t) => {
  const k = await clientKey()
  await registerRelyingParty(app, 'short-lived', relyingPartyDocument([k]))
  const token = await accessToken('short-lived', k)
  await services.relyingParties.delete('short-lived')
  t.equal((await services.accessTokens.verify(token)).clientId, 'short-lived', 'no store read on the bearer path')
})

t.test('a token signed by a key newer than the cached key set makes the verifier read the keys again', async (t) => {
  const { verifier, reads } = countingVerifier({ now: Date.now() }, 60_000)
  await verifier.verify(await accessToken())
  t.equal(reads.count, 1)
  // Twice: the key that signs now was generated after the verifier read the set.
  await services.keys.rotate({ force: true })
  await services.keys.rotate({ force: true })
  t.equal((await verifier.verify(await accessToken())).clientId, 'fk')
  t.equal(reads.count, 2, 'read again for the unknown kid')
  await verifier.verify(await accessToken())
  t.equal(reads.count, 2, 'and the set is cached again')
})
