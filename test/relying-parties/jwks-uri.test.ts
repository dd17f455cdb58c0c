import t from 'tap'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest, type ClientKey } from '../helpers/relying-party.js'
import { fetchJwks, JwksUnavailable } from '../../src/relying-parties/client-keys.js'
import { allowLoopbackFetch, loopbackGuard } from '../helpers/outbound.js'
import { selfSignedCertificate } from '../helpers/self-signed-certificate.js'

// The agency publishes its keys over HTTPS under a private CA.
const { key, cert: ca } = selfSignedCertificate(t, 'keys.fk.example')
let published: ClientKey[] = []
let fetches = 0
const agency: Server = createServer({ key, cert: ca }, (req, res) => {
  if (req.url === '/jwks.json') {
    fetches++
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }))
  } else if (req.url === '/huge.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [], padding: 'x'.repeat(100_000) }))
  } else if (req.url === '/slow.json') {
    setTimeout(() => { if (!res.destroyed) res.writeHead(200).end('{"keys":[]}') }, 2000)
  } else if (req.url === '/private.json') {
    res.writeHead(200).end(JSON.stringify({ keys: published.map((k) => ({ ...k.publicJwk, d: 'c2VjcmV0' })) }))
  } else res.writeHead(404).end()
})
await new Promise<void>((resolve) => agency.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => { agency.closeAllConnections(); agency.close(() => resolve()) }))
const base = `https://127.0.0.1:${(agency.address() as AddressInfo).port}`

const ISSUER = 'https://behorig.test'
const store = await openTestStore()
const { app } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER, ...allowLoopbackFetch }, { jwksFetch: { ca, refetchCooldownMs: 0 } })

t.test('keys are fetched from jwks_uri, cached, and fetched again for an unknown kid', async (t) => {
  const first = await clientKey('ES256', 'fk-2026-1')
  published = [first]
  await registerRelyingParty(app, 'fk-remote', relyingPartyDocument([], { jwks: undefined, jwks_uri: `${base}/jwks.json` }))

  t.equal((await tokenRequest(app, await clientAssertion(first, 'fk-remote', ISSUER))).statusCode, 200)
  t.equal(fetches, 1, 'fetched once')
  t.equal((await tokenRequest(app, await clientAssertion(first, 'fk-remote', ISSUER))).statusCode, 200)
  t.equal(fetches, 1, 'then served from the cache')

  // The agency rotates: its new key is published before it signs.
  const second = await clientKey('ES256', 'fk-2026-2')
  published = [first, second]
  const res = await tokenRequest(app, await clientAssertion(second, 'fk-remote', ISSUER))
  t.equal(res.statusCode, 200, res.body)
  t.equal(fetches, 2, 'an unknown kid made it fetch the set again')

  const stranger = await clientKey('ES256', 'not-published')
  const refused = await tokenRequest(app, await clientAssertion(stranger, 'fk-remote', ISSUER))
  t.equal(refused.statusCode, 401)
  t.match(refused.json(), { error: 'invalid_client', error_description: /no registered key/ })
})

t.test('a jwks_uri that cannot be read refuses the client', async (t) => {
  const k = await clientKey()
  await registerRelyingParty(app, 'fk-missing', relyingPartyDocument([], { jwks: undefined, jwks_uri: `${base}/nothing.json` }))
  const res = await tokenRequest(app, await clientAssertion(k, 'fk-missing', ISSUER))
  t.equal(res.statusCode, 401)
  t.same(res.json(), { error: 'invalid_client', error_description: 'the relying party\'s jwks_uri could not be read' }, 'the reason (404) is in the server log only')
})

t.test('fetching has a size limit, a timeout and needs a trusted certificate', async (t) => {
  await t.rejects(fetchJwks(`${base}/huge.json`, loopbackGuard, { ca }), new JwksUnavailable('the jwks_uri could not be read: it sent more than 65536 bytes'))
  await t.rejects(fetchJwks(`${base}/slow.json`, loopbackGuard, { ca, timeoutMs: 200 }), { name: 'JwksUnavailable', message: /took longer than 0.2 s/ })
  await t.rejects(fetchJwks(`${base}/jwks.json`, loopbackGuard), { name: 'JwksUnavailable', message: /certificate/ }, 'the system store does not know the agency\'s private CA')
  await t.rejects(fetchJwks('http://127.0.0.1:1/jwks.json', loopbackGuard), { message: /https/ })
})

t.test('private and unusable keys in a fetched set are dropped', async (t) => {
  published = [await clientKey()]
  t.same((await fetchJwks(`${base}/private.json`, loopbackGuard, { ca })).keys, [])
  t.equal((await fetchJwks(`${base}/jwks.json`, loopbackGuard, { ca })).keys.length, 1)
})

t.test('a jwks_uri on a loopback address is not fetched without an exception, and the caller learns only that it could not be read', async (t) => {
  const { app: strict } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER }, { jwksFetch: { ca } })
  const k = await clientKey()
  published = [k]
  await registerRelyingParty(strict, 'fk-loopback', relyingPartyDocument([], { jwks: undefined, jwks_uri: `${base}/jwks.json` }))
  const before = fetches
  const answers = await Promise.all(Array.from({ length: 5 }, async () => tokenRequest(strict, await clientAssertion(k, 'fk-loopback', ISSUER))))
  for (const res of answers) {
    t.equal(res.statusCode, 401)
    t.same(res.json(), { error: 'invalid_client', error_description: 'the relying party\'s jwks_uri could not be read' }, 'no address, port or error code')
  }
  t.equal(fetches, before, 'the key server was never reached')
})
