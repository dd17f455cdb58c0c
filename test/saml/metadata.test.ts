// readIdpMetadata against metadata the test IdP writes and aggregates a test federation
// signs with xmlsec1: the entity, its signing certificates and timing, exactly, and each
// way metadata is refused, with the message that names the rule.
import { X509Certificate } from 'node:crypto'
import t, { type Test } from 'tap'
import { SamlError } from '../../src/saml/errors.js'
import { readIdpMetadata } from '../../src/saml/metadata.js'
import { keyPair, samlTestIdp, signedAggregate } from '../helpers/saml-idp.js'

const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata'
const A = 'https://idp.kommunforbund.test/saml'
const B = 'https://idp.grannkommun.test/saml'
const BAD_SIGNATURE = 'the metadata\'s signature is not valid with the identity provider\'s certificates'
const UNSIGNED_AGGREGATE = 'the metadata is an aggregate (EntitiesDescriptor): it is read only with the federation\'s signing certificate that signed it'
const NOT_X509 = 'the metadata holds a signing certificate that is not an X.509 certificate'

const [a, b, stranger, federation] = await Promise.all([
  samlTestIdp({ entityId: A }),
  samlTestIdp({ entityId: B }),
  samlTestIdp({ entityId: B }),
  keyPair('federation.test')
])

const T = new Date('2030-01-01T00:00:00.000Z')
const at = (ms: number): Date => new Date(T.getTime() + ms)
const DAY = 86_400_000

const der = (pem: string): string => new X509Certificate(pem).raw.toString('base64')
const bare = (pem: string): string => pem.replace(/\s+/g, '')

function thrown (fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

/** `fn` is refused with a SamlError whose message is exactly `message`. */
function refuses (t: Test, fn: () => unknown, message: string, name?: string): void {
  const error = thrown(fn)
  t.type(error, SamlError, name ?? 'a SamlError')
  t.equal(error instanceof Error ? error.message : `no error (${String(error)})`, message, name ?? message)
}

/** `text` with `from` replaced (literally) by `to`; `from` must occur exactly once. */
function replaceOnce (text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) ?? []).length
  if (count !== 1) throw new Error(`${String(from)} occurs ${count} times, not once`)
  return text.replace(from, () => to)
}

function keyDescriptor (pem: string, use?: string): string {
  return `<md:KeyDescriptor${use === undefined ? '' : ` use="${use}"`}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
}

/** `metadata` with `descriptor` added as the IDPSSODescriptor's first KeyDescriptor. */
const withKey = (metadata: string, descriptor: string): string => replaceOnce(metadata, /<md:IDPSSODescriptor [^>]*>/, (metadata.match(/<md:IDPSSODescriptor [^>]*>/) as RegExpMatchArray)[0] + descriptor)

t.test('one EntityDescriptor: its entityID, signing certificate and timing', async (t) => {
  const metadata = readIdpMetadata(a.metadata({ validUntil: at(DAY), cacheDuration: 'PT6H' }), { now: T })
  t.strictSame(Object.keys(metadata).sort(), ['cacheDuration', 'entityId', 'signingCertificates', 'validUntil'])
  t.equal(metadata.entityId, A)
  t.equal(metadata.signingCertificates.length, 1)
  t.equal(bare(metadata.signingCertificates[0] as string), bare(a.certificate), 'the IdP\'s certificate, modulo whitespace')
  t.match(metadata.signingCertificates[0], /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/, 'PEM with 64-character lines')
  t.equal(new X509Certificate(metadata.signingCertificates[0] as string).fingerprint256, new X509Certificate(a.certificate).fingerprint256)
  t.equal(metadata.validUntil?.toISOString(), '2030-01-02T00:00:00.000Z')
  t.equal(metadata.cacheDuration, 'PT6H')

  const plain = readIdpMetadata(a.metadata())
  t.strictSame(Object.keys(plain).sort(), ['entityId', 'signingCertificates'], 'no validUntil or cacheDuration when it has none')
  t.equal(readIdpMetadata(a.metadata(), { entityId: A }).entityId, A, 'the entityId asked for')
})

t.test('an EntityDescriptor for another entity than the one asked for is refused', async (t) => {
  refuses(t, () => readIdpMetadata(a.metadata(), { entityId: B }), `the metadata describes ${A}, not ${B}`)
  const noEntityId = replaceOnce(a.metadata(), ` entityID="${A}"`, '')
  refuses(t, () => readIdpMetadata(noEntityId), 'the metadata\'s EntityDescriptor has no entityID')
})

t.test('KeyDescriptors: signing or unspecified use is read, encryption ignored', async (t) => {
  const encryption = withKey(a.metadata(), keyDescriptor(b.certificate, 'encryption'))
  t.strictSame(readIdpMetadata(encryption).signingCertificates.map(bare), [bare(a.certificate)], 'use="encryption" ignored')
  const unspecified = withKey(a.metadata(), keyDescriptor(b.certificate))
  t.strictSame(readIdpMetadata(unspecified).signingCertificates.map(bare), [bare(b.certificate), bare(a.certificate)], 'no use: signing too, in document order')
  const rollover = withKey(a.metadata(), keyDescriptor(b.certificate, 'signing'))
  t.strictSame(readIdpMetadata(rollover).signingCertificates.map(bare), [bare(b.certificate), bare(a.certificate)], 'two signing keys (rollover)')
  const twice = withKey(a.metadata(), keyDescriptor(a.certificate, 'signing'))
  t.strictSame(readIdpMetadata(twice).signingCertificates.map(bare), [bare(a.certificate)], 'the same certificate twice, once')
  const onlyEncryption = replaceOnce(a.metadata(), 'use="signing"', 'use="encryption"')
  t.strictSame(readIdpMetadata(onlyEncryption).signingCertificates, [], 'encryption only: no signing certificate')
})

t.test('a certificate that is not X.509 is refused', async (t) => {
  const metadata = a.metadata()
  refuses(t, () => readIdpMetadata(replaceOnce(metadata, der(a.certificate), 'AAAA')), NOT_X509, 'four bytes of base64')
  refuses(t, () => readIdpMetadata(replaceOnce(metadata, der(a.certificate), Buffer.from('not a certificate at all, but long enough to be something').toString('base64'))), NOT_X509, 'base64 of text')
  refuses(t, () => readIdpMetadata(replaceOnce(metadata, der(a.certificate), der(a.certificate).slice(0, 200))), NOT_X509, 'a truncated certificate')
  refuses(t, () => readIdpMetadata(replaceOnce(metadata, der(a.certificate), '')), NOT_X509, 'an empty X509Certificate')
  const spaced = replaceOnce(metadata, der(a.certificate), `\n  ${(der(a.certificate).match(/.{1,76}/g) as string[]).join('\n  ')}\n`)
  t.strictSame(readIdpMetadata(spaced).signingCertificates.map(bare), [bare(a.certificate)], 'base64 wrapped over lines is read')
})

t.test('no SAML 2.0 IDPSSODescriptor is refused', async (t) => {
  const sp = a.metadata().replaceAll('md:IDPSSODescriptor', 'md:SPSSODescriptor')
  refuses(t, () => readIdpMetadata(sp), 'the metadata has no SAML 2.0 IDPSSODescriptor', 'an SP')
  const saml11 = replaceOnce(a.metadata(), 'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"', 'protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol"')
  refuses(t, () => readIdpMetadata(saml11), 'the metadata has no SAML 2.0 IDPSSODescriptor', 'SAML 1.1 only')
  const both = replaceOnce(a.metadata(), 'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"', 'protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol urn:oasis:names:tc:SAML:2.0:protocol"')
  t.equal(readIdpMetadata(both).entityId, A, 'SAML 1.1 and 2.0')
})

t.test('validUntil', async (t) => {
  refuses(t, () => readIdpMetadata(a.metadata({ validUntil: at(-1000) }), { now: T }), 'the metadata expired at 2029-12-31T23:59:59.000Z (validUntil)', 'a second ago')
  refuses(t, () => readIdpMetadata(a.metadata({ validUntil: T }), { now: T }), 'the metadata expired at 2030-01-01T00:00:00.000Z (validUntil)', 'at validUntil')
  t.equal(readIdpMetadata(a.metadata({ validUntil: at(1) }), { now: T }).validUntil?.toISOString(), '2030-01-01T00:00:00.001Z', 'a millisecond before')
  const past = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)
  refuses(t, () => readIdpMetadata(a.metadata({ validUntil: past })), `the metadata expired at ${past.toISOString()} (validUntil)`, 'on the real clock')
  const offset = replaceOnce(a.metadata({ validUntil: at(DAY) }), 'validUntil="2030-01-02T00:00:00.000Z"', 'validUntil="2030-01-02T01:00:00+01:00"')
  refuses(t, () => readIdpMetadata(offset, { now: T }), 'validUntil is not a UTC time (YYYY-MM-DDThh:mm:ssZ)', 'with an offset')
})

t.test('a cacheDuration that is not an xs:duration is refused', async (t) => {
  refuses(t, () => readIdpMetadata(a.metadata({ cacheDuration: 'six hours' })), '"six hours" is not an xs:duration', 'the only cacheDuration')
  const aggregate = await signedAggregate([a.metadata({ cacheDuration: 'six hours' })], federation, { cacheDuration: 'PT6H' })
  refuses(t, () => readIdpMetadata(aggregate, { entityId: A, signingCertificate: federation.certificate }), '"six hours" is not an xs:duration', 'one of two')
})

t.test('DTDs and comments are refused', async (t) => {
  refuses(t, () => readIdpMetadata(`<!DOCTYPE md:EntityDescriptor [<!ENTITY e "${A}">]>${replaceOnce(a.metadata(), `entityID="${A}"`, 'entityID="&e;"')}`), 'the metadata has a DTD, which is not allowed', 'an internal entity')
  refuses(t, () => readIdpMetadata(`<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://evil.test/x.dtd">${a.metadata()}`), 'the metadata has a DTD, which is not allowed', 'an external DTD')
  refuses(t, () => readIdpMetadata(replaceOnce(a.metadata(), '<md:IDPSSODescriptor ', '<!-- c --><md:IDPSSODescriptor ')), 'the metadata contains an XML comment, which is not allowed')
})

t.test('a document that is no metadata is refused', async (t) => {
  refuses(t, () => readIdpMetadata(`<md:SPSSODescriptor xmlns:md="${MD_NS}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>`), 'the metadata is neither an EntityDescriptor nor an EntitiesDescriptor')
  refuses(t, () => readIdpMetadata(a.metadata().replaceAll(MD_NS, 'urn:example:not-saml')), 'the metadata is neither an EntityDescriptor nor an EntitiesDescriptor', 'the right names in another namespace')
  const error = thrown(() => readIdpMetadata(a.metadata().slice(0, -10)))
  t.type(error, SamlError)
  t.match((error as Error).message, /^the metadata is not well-formed XML\b/)
})

t.test('a signed aggregate: the entity asked for, under the federation\'s signature', async (t) => {
  const aggregate = await signedAggregate([a.metadata(), b.metadata()], federation)
  const read = readIdpMetadata(aggregate, { entityId: B, signingCertificate: federation.certificate })
  t.equal(read.entityId, B)
  t.strictSame(read.signingCertificates.map(bare), [bare(b.certificate)], 'b\'s certificate, and only it')
  t.strictSame(readIdpMetadata(aggregate, { entityId: A, signingCertificate: federation.certificate }).signingCertificates.map(bare), [bare(a.certificate)], 'and a\'s for a')
  refuses(t, () => readIdpMetadata(aggregate, { signingCertificate: federation.certificate }), 'the metadata is an aggregate (EntitiesDescriptor): entity_id must say which IdP in it to use', 'without entityId')
  refuses(t, () => readIdpMetadata(aggregate, { entityId: 'https://idp.saknas.test/saml', signingCertificate: federation.certificate }), 'the metadata has no entity https://idp.saknas.test/saml', 'an entity not in it')
  refuses(t, () => readIdpMetadata(aggregate, { entityId: B, signingCertificate: a.certificate }), BAD_SIGNATURE, 'with an IdP\'s certificate instead of the federation\'s')
  refuses(t, () => readIdpMetadata(aggregate, { entityId: B, signingCertificate: stranger.certificate }), BAD_SIGNATURE, 'with a stranger\'s certificate')
})

t.test('a tampered aggregate is refused', async (t) => {
  const aggregate = await signedAggregate([a.metadata(), b.metadata()], federation)
  const swapped = replaceOnce(aggregate, der(b.certificate), der(stranger.certificate))
  refuses(t, () => readIdpMetadata(swapped, { entityId: B }), UNSIGNED_AGGREGATE, 'nor is it read without the federation\'s certificate')
  refuses(t, () => readIdpMetadata(swapped, { entityId: B, signingCertificate: federation.certificate }), BAD_SIGNATURE, 'b\'s certificate swapped for a stranger\'s')
  refuses(t, () => readIdpMetadata(replaceOnce(aggregate, `entityID="${A}"`, 'entityID="https://idp.evil.test/saml"'), { entityId: 'https://idp.evil.test/saml', signingCertificate: federation.certificate }), BAD_SIGNATURE, 'an entityID changed')
  const removed = replaceOnce(aggregate, /<md:EntityDescriptor [^>]*entityID="https:\/\/idp\.kommunforbund\.test\/saml"[^>]*>[\s\S]*?<\/md:EntityDescriptor>/, '')
  refuses(t, () => readIdpMetadata(removed, { entityId: B, signingCertificate: federation.certificate }), BAD_SIGNATURE, 'an entity removed')
})

t.test('an aggregate is read only with the federation\'s signing certificate', async (t) => {
  const unsigned = `<md:EntitiesDescriptor xmlns:md="${MD_NS}" ID="_agg">${a.metadata()}${b.metadata()}</md:EntitiesDescriptor>`
  refuses(t, () => readIdpMetadata(unsigned, { entityId: B }), UNSIGNED_AGGREGATE, 'unsigned, no certificate')
  refuses(t, () => readIdpMetadata(unsigned, { entityId: B, signingCertificate: federation.certificate }), 'the metadata is not signed', 'unsigned, with the certificate')
  const signed = await signedAggregate([a.metadata(), b.metadata()], federation)
  refuses(t, () => readIdpMetadata(signed, { entityId: B }), UNSIGNED_AGGREGATE, 'signed, but no certificate to check it with')
  const twice = await signedAggregate([b.metadata(), b.metadata()], federation)
  refuses(t, () => readIdpMetadata(twice, { entityId: B, signingCertificate: federation.certificate }), `the metadata describes ${B} more than once`)
})

t.test('a signed EntityDescriptor on its own', async (t) => {
  const signed = await a.sign(a.metadata(), '_md', 'EntityDescriptor', MD_NS)
  t.equal(readIdpMetadata(signed, { signingCertificate: a.certificate }).entityId, A)
  refuses(t, () => readIdpMetadata(signed, { signingCertificate: federation.certificate }), BAD_SIGNATURE)
  refuses(t, () => readIdpMetadata(a.metadata(), { signingCertificate: a.certificate }), 'the metadata\'s EntityDescriptor has no ID', 'unsigned, without an ID')
})

t.test('signature wrapping of an aggregate', async (t) => {
  const aggregate = await signedAggregate([a.metadata(), b.metadata()], federation)
  const id = (aggregate.match(/^<md:EntitiesDescriptor [^>]*ID="([^"]+)"/) as RegExpMatchArray)[1] as string
  const signature = (aggregate.match(/<ds:Signature [\s\S]*<\/ds:Signature>/) as RegExpMatchArray)[0]
  const evilB = stranger.metadata()
  const wrapped = `<md:EntitiesDescriptor xmlns:md="${MD_NS}" ID="_evil">${evilB}${aggregate}</md:EntitiesDescriptor>`
  refuses(t, () => readIdpMetadata(wrapped, { entityId: B, signingCertificate: federation.certificate }), 'the metadata must carry exactly one signature, on its root element', 'the signed aggregate inside an evil one')
  const sameId = `<md:EntitiesDescriptor xmlns:md="${MD_NS}" ID="${id}">${signature}${evilB}${replaceOnce(aggregate, signature, '')}</md:EntitiesDescriptor>`
  t.equal(sameId.split(`ID="${id}"`).length, 3, 'two elements with the signed ID')
  refuses(t, () => readIdpMetadata(sameId, { entityId: B, signingCertificate: federation.certificate }), BAD_SIGNATURE, 'the signature on an evil root with the same ID, the signed one inside')
  const smuggled = replaceOnce(aggregate, '</ds:Signature>', `<ds:Object>${evilB}</ds:Object></ds:Signature>`)
  t.strictSame(readIdpMetadata(smuggled, { entityId: B, signingCertificate: federation.certificate }).signingCertificates.map(bare), [bare(b.certificate)], 'an entity smuggled into the Signature is not read')
})

t.test('the aggregate\'s validUntil and cacheDuration apply to the entity: the earliest and the shortest', async (t) => {
  const aggregate = await signedAggregate([
    a.metadata({ validUntil: at(DAY), cacheDuration: 'P1D' }),
    b.metadata({ validUntil: at(3 * DAY), cacheDuration: 'PT1H' })
  ], federation, { validUntil: at(2 * DAY), cacheDuration: 'PT6H' })
  const readA = readIdpMetadata(aggregate, { entityId: A, signingCertificate: federation.certificate, now: T })
  t.equal(readA.validUntil?.toISOString(), '2030-01-02T00:00:00.000Z', 'a: its own validUntil, the earlier')
  t.equal(readA.cacheDuration, 'PT6H', 'a: the aggregate\'s cacheDuration, the shorter')
  const readB = readIdpMetadata(aggregate, { entityId: B, signingCertificate: federation.certificate, now: T })
  t.equal(readB.validUntil?.toISOString(), '2030-01-03T00:00:00.000Z', 'b: the aggregate\'s validUntil, the earlier')
  t.equal(readB.cacheDuration, 'PT1H', 'b: its own cacheDuration, the shorter')

  const onlyAggregate = await signedAggregate([a.metadata(), b.metadata()], federation, { validUntil: at(DAY), cacheDuration: 'PT6H' })
  const read = readIdpMetadata(onlyAggregate, { entityId: B, signingCertificate: federation.certificate, now: T })
  t.equal(read.validUntil?.toISOString(), '2030-01-02T00:00:00.000Z', 'an entity without timing of its own takes the aggregate\'s')
  t.equal(read.cacheDuration, 'PT6H')
  refuses(t, () => readIdpMetadata(onlyAggregate, { entityId: B, signingCertificate: federation.certificate, now: at(DAY) }), 'the metadata expired at 2030-01-02T00:00:00.000Z (validUntil)', 'the aggregate\'s validUntil expires the entity')

  const nested = await signedAggregate([
    a.metadata(),
    `<md:EntitiesDescriptor xmlns:md="${MD_NS}" validUntil="${at(DAY / 2).toISOString()}" cacheDuration="PT30M">${b.metadata({ cacheDuration: 'PT2H' })}</md:EntitiesDescriptor>`
  ], federation, { validUntil: at(DAY), cacheDuration: 'PT6H' })
  const inner = readIdpMetadata(nested, { entityId: B, signingCertificate: federation.certificate, now: T })
  t.equal(inner.validUntil?.toISOString(), '2030-01-01T12:00:00.000Z', 'a nested EntitiesDescriptor counts too')
  t.equal(inner.cacheDuration, 'PT30M')
  const outer = readIdpMetadata(nested, { entityId: A, signingCertificate: federation.certificate, now: T })
  t.equal(outer.validUntil?.toISOString(), '2030-01-02T00:00:00.000Z', 'but not for an entity outside it')
  t.equal(outer.cacheDuration, 'PT6H')
})
