// SAML registrations from a metadata_url (an HTTPS server on loopback, through the outbound
// guard) that is read again when due, a key rollover carried by it, and a federation's
// signed aggregate. Metadata and assertions are signed with xmlsec1 (test/helpers/saml-idp.ts).
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { adminHeaders } from '../helpers/app.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { problemType } from '../helpers/problem-type.js'
import { selfSignedCertificate } from '../helpers/self-signed-certificate.js'
import { keyPair, samlTestIdp, signedAggregate } from '../helpers/saml-idp.js'
import { ISSUER, seededOrganisation, tokenTestApp } from '../tokens/helpers/token-app.js'

const ENTITY = 'https://idp.exempelkommun.test/saml'
const tls = selfSignedCertificate(t, 'metadata.test')
let served = { status: 200, body: '' }
let reads = 0
const server = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => {
  reads++
  res.writeHead(served.status, { 'content-type': 'application/samlmetadata+xml' }).end(served.body)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
const metadataUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/metadata.xml`

const test = await tokenTestApp({ jwksFetch: { ca: tls.cert } }, allowLoopbackFetch)
const { app } = test
const city = await seededOrganisation(test, 'Exempelkommun')
const idp = await samlTestIdp({ entityId: ENTITY })
const rolled = await samlTestIdp({ entityId: ENTITY })
const identityProviders = app.behorig.tokenServices.identityProviders

const register = (id: string, saml: Record<string, unknown>) => app.inject({
  method: 'PUT',
  url: `/v1/identity-providers/${id}`,
  headers: adminHeaders,
  payload: { kind: 'saml', organisations: [city], saml, subject: { match: ['org-affiliation'] } }
})
const der = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '')
const fingerprints = (view: { metadata: { signing_certificates: Array<{ sha256: string }> } }) => view.metadata.signing_certificates.map((c) => c.sha256)

t.test('metadata_url is read at registration, and again once its cacheDuration has passed', async (t) => {
  served = { status: 200, body: idp.metadata({ cacheDuration: 'PT1H' }) }
  const before = Date.now()
  const res = await register('by-url', { metadata_url: metadataUrl })
  t.equal(res.statusCode, 201, res.body)
  t.equal(reads, 1)
  const view = res.json()
  t.equal(view.metadata.entity_id, ENTITY)
  const refreshAfter = Date.parse(view.metadata.refresh_after)
  t.ok(refreshAfter >= before + 3_600_000 && refreshAfter <= Date.now() + 3_600_000, `refresh_after is an hour on: ${view.metadata.refresh_after}`)

  const found = await identityProviders.findSaml(ENTITY, new Date(Date.now() + 60_000))
  t.equal(reads, 1, 'not read again before it is due')
  t.same(found?.certificates.map(der), [der(idp.certificate)], 'the IdP\'s certificate, from its metadata')

  // The IdP rolls its key: the next read after refresh_after carries the new certificate.
  served = { status: 200, body: rolled.metadata({ cacheDuration: 'PT1H' }) }
  const later = new Date(refreshAfter + 1000)
  const [one, two] = await Promise.all([identityProviders.findSaml(ENTITY, later), identityProviders.findSaml(ENTITY, later)])
  t.equal(reads, 2, 'two logins at once read it once')
  t.same(one?.certificates.map(der), [der(rolled.certificate)], 'the rolled certificate verifies logins now')
  t.same(one?.certificates, two?.certificates)
  const shown = (await app.inject({ method: 'GET', url: '/v1/identity-providers/by-url', headers: adminHeaders })).json()
  t.not(fingerprints(shown)[0], fingerprints(view)[0], 'the stored metadata now holds the rolled certificate')
  t.ok(Date.parse(shown.metadata.read_at) >= Date.parse(view.metadata.read_at))
})

t.test('a failed refresh keeps the metadata read before, until its validUntil', async (t) => {
  const validUntil = new Date(Date.now() + 4 * 3_600_000)
  served = { status: 200, body: idp.metadata({ validUntil }) }
  const res = await register('by-url', { metadata_url: metadataUrl })
  t.equal(res.statusCode, 200, res.body)
  const view = res.json()
  t.ok(Date.parse(view.metadata.refresh_after) <= Date.now() + 2 * 3_600_000 + 1000, 'read again at the latest halfway to validUntil')
  t.equal(view.metadata.valid_until, validUntil.toISOString())

  served = { status: 500, body: 'down' }
  const readsBefore = reads
  const due = new Date(Date.parse(view.metadata.refresh_after) + 1000)
  const kept = await identityProviders.findSaml(ENTITY, due)
  t.equal(reads, readsBefore + 1, 'it tried')
  t.equal(kept?.certificates.length, 1, 'the old certificates stay in use')
  const expired = await identityProviders.findSaml(ENTITY, new Date(validUntil.getTime() + 1000))
  t.same(expired?.certificates, [], 'past validUntil nothing verifies its logins')
})

t.test('a metadata_url that cannot be used is refused at registration, pointing at it', async (t) => {
  served = { status: 404, body: 'not here' }
  const missing = await register('broken-url', { metadata_url: metadataUrl })
  t.equal(missing.statusCode, 422, missing.body)
  t.equal(missing.json().type, problemType('identity-provider-invalid', ISSUER))
  t.same(missing.json().errors.map((e: { pointer: string }) => e.pointer), ['/saml/metadata_url'])
  t.match(missing.json().errors[0].detail, /could not be read/)

  const plain = await register('plain-url', { metadata_url: metadataUrl.replace('https:', 'http:') })
  t.equal(plain.statusCode, 400, 'http:// is refused by the schema')
  t.match(plain.json().errors, [{ pointer: '/saml/metadata_url' }])

  served = { status: 200, body: idp.metadata({ entityId: 'https://other.test/saml' }) }
  const mismatch = await register('mismatch', { metadata_url: metadataUrl, entity_id: ENTITY })
  t.equal(mismatch.statusCode, 422)
  t.match(mismatch.json().errors[0].detail, /describes https:\/\/other\.test\/saml, not/)
  t.equal((await app.inject({ method: 'GET', url: '/v1/identity-providers/mismatch', headers: adminHeaders })).statusCode, 404, 'nothing stored')
})

t.test('a federation\'s signed aggregate: the IdP named by entity_id, only with the federation\'s certificate', async (t) => {
  const federation = await keyPair('metadata.federation.test')
  const neighbour = await samlTestIdp({ entityId: 'https://idp.grannkommun.test/saml' })
  const aggregate = await signedAggregate([neighbour.metadata(), idp.metadata()], federation, { cacheDuration: 'PT6H' })
  const saml = { metadata_xml: aggregate, entity_id: ENTITY, metadata_signing_certificate: federation.certificate }

  await app.inject({ method: 'DELETE', url: '/v1/identity-providers/by-url', headers: adminHeaders })
  const res = await register('from-aggregate', saml)
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().metadata.entity_id, ENTITY)
  const found = await identityProviders.findSaml(ENTITY)
  t.equal(found?.certificates.length, 1)

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['signed by another certificate', { ...saml, metadata_signing_certificate: idp.certificate }, /signature is not valid/],
    ['no entity_id', { metadata_xml: aggregate, metadata_signing_certificate: federation.certificate }, /entity_id must say which IdP/],
    ['no signing certificate', { metadata_xml: aggregate, entity_id: ENTITY }, /federation's signing certificate/],
    ['an entity the aggregate does not hold', { ...saml, entity_id: 'https://idp.elsewhere.test/saml' }, /has no entity/],
    ['tampered after signing', { ...saml, metadata_xml: aggregate.replace('idp.grannkommun.test', 'idp.evil.test') }, /signature is not valid/]
  ]
  for (const [name, document, detail] of cases) {
    const refused = await register('aggregate-refused', document)
    t.equal(refused.statusCode, 422, `${name}: ${refused.body}`)
    t.same(refused.json().errors.map((e: { pointer: string }) => e.pointer), ['/saml/metadata_xml'], name)
    t.match(refused.json().errors[0].detail, detail, name)
  }
})
