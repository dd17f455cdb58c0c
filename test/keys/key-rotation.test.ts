import t from 'tap'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { TEST_KEK, openTestStore } from '../helpers/app.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import { keyRepository } from '../../src/keys/repository.js'
import { KEY_ROTATION_JOB, keyService, MAX_TOKEN_LIFETIME_SECONDS, type KeyPolicy } from '../../src/keys/service.js'
import { jobHandlers } from '../../src/job-handlers.js'

const store = await openTestStore()
const box = secretBox(Buffer.from(TEST_KEK, 'base64url'))
const DAY = 86_400_000
const policy: KeyPolicy = { alg: 'ES256', rotationSeconds: 30 * 86_400, prepublishSeconds: 86_400, signerCacheSeconds: 30 }

/** A key service on this file's store whose clock the test moves. */
function keysAt (clock: { now: number }, overrides: Partial<KeyPolicy> = {}) {
  return keyService({ keys: keyRepository(store.db), box, policy: { ...policy, ...overrides }, now: () => clock.now })
}

async function verifyWithJwks (token: string, jwks: { keys: unknown[] }, at: number) {
  return jwtVerify(token, createLocalJWKSet(jwks as JSONWebKeySet), { currentDate: new Date(at) })
}

t.beforeEach(async () => { await store.db.deleteFrom('signing_keys').execute() })

t.test('an empty store gets an active key and a next key, both published', async (t) => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const keys = keysAt(clock)
  const result = await keys.rotate()
  t.equal(result.rotated, true)
  const jwks = await keys.jwks()
  t.same(jwks.keys.map((k) => k.kid).sort(), [result.active.kid, result.next.kid].sort())
  t.equal((await keys.currentSigner()).kid, result.active.kid, 'the active key signs')
  t.match(jwks.keys[0], { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
  t.notOk('d' in (jwks.keys[0] as object), 'no private member is published')
})

t.test('rotation waits for its period, and the next key was published before it signs', async (t) => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const keys = keysAt(clock)
  const first = await keys.rotate()
  clock.now += 29 * DAY
  t.equal((await keys.rotate()).rotated, false, 'not due before the rotation period')

  clock.now += 1 * DAY + 1000
  // Signed by the old key the moment before the rotation job runs.
  const before = await keys.signer.sign({ typ: 'JWT' }, { iss: 'x', iat: Math.floor(clock.now / 1000), exp: Math.floor(clock.now / 1000) + MAX_TOKEN_LIFETIME_SECONDS })
  t.equal(JSON.parse(Buffer.from(before.split('.')[0] as string, 'base64url').toString()).kid, first.active.kid)
  const publishedBefore = await keys.jwks()
  t.ok(publishedBefore.keys.some((k) => k.kid === first.next.kid), 'the next key is in JWKS while the old key still signs')

  const second = await keys.rotate()
  t.equal(second.rotated, true)
  t.equal(second.active.kid, first.next.kid, 'the published next key becomes active')
  t.ok(clock.now - second.active.createdAt.getTime() >= policy.prepublishSeconds * 1000, 'it was published at least the pre-publication period before signing')
  t.equal((await keys.currentSigner()).kid, second.active.kid, 'rotation in this process takes effect at once')

  const after = await keys.jwks()
  t.ok(after.keys.some((k) => k.kid === first.active.kid), 'the retired key is still published')
  await t.resolves(verifyWithJwks(before, after, clock.now), 'a token signed just before rotation verifies against the JWKS published after it')
})

t.test('a retired key stays published until every token it signed has expired', async (t) => {
  const clock = { now: Date.parse('2026-03-01T00:00:00Z') }
  const keys = keysAt(clock)
  const first = await keys.rotate()
  const iat = Math.floor(clock.now / 1000)
  const token = await keys.signer.sign({}, { iat, exp: iat + MAX_TOKEN_LIFETIME_SECONDS })
  await keys.rotate({ force: true })
  const retiredKid = first.active.kid

  clock.now += (MAX_TOKEN_LIFETIME_SECONDS - 1) * 1000
  await keys.rotate()
  const late = await keys.jwks()
  t.ok(late.keys.some((k) => k.kid === retiredKid), 'published while its longest-lived token may live')
  await t.resolves(verifyWithJwks(token, late, clock.now), 'its last token still verifies a second before expiry')

  clock.now += (1 + 30) * 1000 + 1000 // past the lifetime plus other processes' signer cache
  const swept = await keys.rotate()
  t.same(swept.removed, [retiredKid], 'removed once its tokens have all expired')
  t.notOk((await keys.jwks()).keys.some((k) => k.kid === retiredKid))
})

t.test('private keys are sealed at rest', async (t) => {
  const clock = { now: Date.now() }
  await keysAt(clock).rotate()
  const rows = await store.db.selectFrom('signing_keys').selectAll().execute()
  t.equal(rows.length, 2)
  for (const row of rows) {
    t.match(row.private_key, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'AES-256-GCM sealed form')
    t.notMatch(row.private_key, /PRIVATE KEY|MII/, 'no PEM or DER in clear')
    t.notOk('d' in (row.public_jwk as object), 'the stored JWK has no private member')
    t.match(box.open(row.private_key, `signing-key:${row.kid}`), /^-----BEGIN PRIVATE KEY-----/, 'opens only with the key-encryption key and its kid')
    t.throws(() => box.open(row.private_key, 'source-secrets'), 'bound to its purpose')
  }
})

t.test('the signer exposes only its kid, its alg and its sign functions', async (t) => {
  const signer = await keysAt({ now: Date.now() }).currentSigner()
  t.same(Object.keys(signer).sort(), ['alg', 'kid', 'sign', 'signInPool'])
  t.notMatch(JSON.stringify(signer), /PRIVATE|"d"/)
})

t.test('several processes rotating at once rotate once', async (t) => {
  const clock = { now: Date.parse('2026-05-01T00:00:00Z') }
  await keysAt(clock).rotate()
  clock.now += 31 * DAY
  const results = await Promise.all(Array.from({ length: 5 }, () => keysAt(clock).rotate()))
  t.equal(results.filter((r) => r.rotated).length, 1, 'exactly one rotated')
  const states = await store.db.selectFrom('signing_keys').select('state').execute()
  t.same(states.map((s) => s.state).sort(), ['active', 'next', 'retired'])
})

t.test('EdDSA is selectable', async (t) => {
  const clock = { now: Date.now() }
  const keys = keysAt(clock, { alg: 'EdDSA' })
  await keys.rotate()
  const jwks = await keys.jwks()
  t.match(jwks.keys[0], { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })
  const token = await keys.signer.sign({ typ: 'JWT' }, { sub: 'x' })
  const { protectedHeader, payload } = await verifyWithJwks(token, jwks, clock.now)
  t.match(protectedHeader, { alg: 'EdDSA', typ: 'JWT' })
  t.equal(payload.sub, 'x')
})

t.test('a signed token carries the signer\'s alg and kid whatever the caller puts in the header', async (t) => {
  const keys = keysAt({ now: Date.now() })
  const signer = await keys.currentSigner()
  const token = signer.sign({ alg: 'none', kid: 'forged', typ: 'at+jwt' }, { a: 1 })
  const header = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>
  t.same(header, { alg: 'ES256', kid: signer.kid, typ: 'at+jwt' })
})

t.test('federation keys rotate by the same rules apart from token keys, and a retired one is published for a statement\'s lifetime', async (t) => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const tokenKeys = keysAt(clock)
  const federationKeys = keyService({ keys: keyRepository(store.db, 'federation'), box, policy: { ...policy, signatureLifetimeSeconds: 86_400 }, purpose: 'federation', now: () => clock.now })
  const token = await tokenKeys.rotate()
  const federation = await federationKeys.rotate()
  const tokenKids = (await tokenKeys.jwks()).keys.map((k) => k.kid)
  const federationKids = (await federationKeys.jwks()).keys.map((k) => k.kid)
  t.same(tokenKids.filter((kid) => federationKids.includes(kid)), [], 'the two sets share no key')
  t.equal(federationKids.length, 2)

  clock.now += 30 * DAY + 1000
  const handlers = jobHandlers({ engine: {} as never, keys: tokenKeys, federationKeys, auditCheckpoint: async () => undefined, dayRuns: {} as never, changes: {} as never })
  await handlers[KEY_ROTATION_JOB]?.({}, {} as never)
  t.equal((await federationKeys.currentSigner()).kid, federation.next.kid, 'the rotation job rotated the federation key')
  t.equal((await tokenKeys.currentSigner()).kid, token.next.kid, 'and the token key, each by its own state')
  const retired = await store.db.selectFrom('signing_keys').select(['publish_until', 'purpose']).where('kid', '=', federation.active.kid).executeTakeFirstOrThrow()
  t.equal(retired.purpose, 'federation')
  t.equal(new Date(retired.publish_until as Date).getTime(), clock.now + 86_400_000 + 30_000, 'published as long as a statement it signed may live, plus the signer cache')
})
