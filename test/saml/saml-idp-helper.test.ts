// The test IdP (test/helpers/saml-idp.ts) is real: what it signs verifies with xmlsec1
// itself, only with its own certificate, and not once a signed byte changes.
import { X509Certificate } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { runProcess } from '../helpers/run-process.js'
import { keyPair, LOA3, SAML_ATTRIBUTE, samlTestIdp, signedAggregate } from '../helpers/saml-idp.js'

const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion'
const ENTITIES = 'urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor'
const SP = 'https://e-tjanst.fk.test/sp'

const [idp, other] = await Promise.all([
  samlTestIdp({ entityId: 'https://idp.kommunforbund.test/saml' }),
  samlTestIdp({ entityId: 'https://idp.grannkommun.test/saml' })
])

/** What `xmlsec1 --verify` says of `xml` with `certificate` as the only key: OK or not. */
async function xmlsecVerifies (t: Test, xml: string, certificate: string, idAttr: string): Promise<boolean> {
  const dir = t.testdir()
  writeFileSync(join(dir, 'cert.pem'), certificate)
  writeFileSync(join(dir, 'signed.xml'), xml)
  const res = await runProcess('xmlsec1', ['--verify', '--pubkey-cert-pem', join(dir, 'cert.pem'), '--id-attr:ID', idAttr, join(dir, 'signed.xml')])
  const said = `${res.stdout}\n${res.stderr}`
  t.equal(/^OK$/m.test(said), res.code === 0, 'xmlsec1 says OK exactly when it exits 0')
  return res.code === 0
}

t.test('a signed assertion verifies with xmlsec1 under the IdP\'s certificate only', async (t) => {
  const signed = await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.orgAffiliation]: ['1001@2120001234'] } })
  t.notMatch(signed, /^<\?xml/, 'no XML declaration')
  t.match(signed, /<saml2:Issuer>https:\/\/idp\.kommunforbund\.test\/saml<\/saml2:Issuer><ds:Signature /, 'Signature right after Issuer')
  t.match(signed, /<ds:Reference URI="#_[0-9a-f]{32}">/)
  t.match(signed, /<ds:X509Certificate>\s*MII/, 'KeyInfo carries the certificate')
  t.match(signed, `<saml2:AuthnContextClassRef>${LOA3}</saml2:AuthnContextClassRef>`)
  t.ok(await xmlsecVerifies(t, signed, idp.certificate, ASSERTION), 'verifies with its own certificate')
  t.notOk(await xmlsecVerifies(t, signed, other.certificate, ASSERTION), 'fails with another IdP\'s certificate')
})

t.test('changing an attribute value after signing breaks the signature', async (t) => {
  const signed = await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.orgAffiliation]: ['1001@2120001234'] } })
  const tampered = signed.replace('1001@2120001234', '1002@2120001234')
  t.not(tampered, signed)
  t.notOk(await xmlsecVerifies(t, tampered, idp.certificate, ASSERTION))
})

t.test('the unsigned assertion: its options, escaping, and attribute values verbatim', async (t) => {
  const notBefore = new Date('2030-01-01T00:00:00.000Z')
  const { xml, id } = idp.assertionXml({
    audience: 'https://sp.test/?a=1&b=2',
    issuer: 'https://other.test/"idp"',
    notBefore,
    id: '_fixed',
    nameId: 'person-1',
    attributes: { [SAML_ATTRIBUTE.employeeHsaId]: ['SE2120001234-E<!---->1001'] }
  })
  t.equal(id, '_fixed')
  t.notMatch(xml, /Signature/)
  t.match(xml, '<saml2:Audience>https://sp.test/?a=1&amp;b=2</saml2:Audience>')
  t.match(xml, 'Recipient="https://sp.test/?a=1&amp;b=2"')
  t.match(xml, '<saml2:Issuer>https://other.test/&quot;idp&quot;</saml2:Issuer>')
  t.match(xml, 'NotBefore="2030-01-01T00:00:00.000Z"')
  t.match(xml, '>person-1</saml2:NameID>')
  t.match(xml, '<saml2:AttributeValue>SE2120001234-E<!---->1001</saml2:AttributeValue>', 'the value is not escaped')
  t.notMatch(idp.assertionXml({ audience: SP, attributes: {} }).xml, /AttributeStatement/, 'no attributes, no AttributeStatement')
  const signed = await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.employeeHsaId]: ['SE2120001234-E<!---->1001'] } })
  t.match(signed, 'E<!---->1001', 'the comment survives signing')
  t.ok(await xmlsecVerifies(t, signed, idp.certificate, ASSERTION), 'exc-c14n leaves the comment out of the digest')
})

t.test('metadata names the signing certificate', async (t) => {
  const der = new X509Certificate(idp.certificate).raw.toString('base64')
  const metadata = idp.metadata({ validUntil: new Date('2030-01-01T00:00:00.000Z'), cacheDuration: 'PT1H' })
  t.match(metadata, /^<md:EntityDescriptor /)
  t.match(metadata, 'entityID="https://idp.kommunforbund.test/saml"')
  t.match(metadata, 'validUntil="2030-01-01T00:00:00.000Z" cacheDuration="PT1H"')
  t.match(metadata, 'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"')
  t.match(metadata, `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate>`)
  t.match(metadata, 'Location="https://idp.kommunforbund.test/sso"')
  t.match(idp.metadata({ entityId: 'https://renamed.test/idp' }), /entityID="https:\/\/renamed\.test\/idp".*Location="https:\/\/renamed\.test\/sso"/)
  const signed = await idp.sign(metadata, '_md', 'EntityDescriptor', 'urn:oasis:names:tc:SAML:2.0:metadata')
  t.match(signed, /^<md:EntityDescriptor [^>]*ID="_md"><ds:Signature /, 'signed metadata: an ID, and the Signature first')
  t.ok(await xmlsecVerifies(t, signed, idp.certificate, 'urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor'))
})

t.test('a signed aggregate verifies with xmlsec1 and holds both IdPs', async (t) => {
  const federation = await keyPair('federation.test')
  const aggregate = await signedAggregate([`<?xml version="1.0" encoding="UTF-8"?>\n${idp.metadata()}`, other.metadata()], federation, { cacheDuration: 'PT6H' })
  t.match(aggregate, /^<md:EntitiesDescriptor [^>]*ID="_[0-9a-f]{32}" cacheDuration="PT6H"><ds:Signature /)
  t.notMatch(aggregate, /<\?xml/, 'no XML declarations, inside or out')
  t.match(aggregate, 'entityID="https://idp.kommunforbund.test/saml"')
  t.match(aggregate, 'entityID="https://idp.grannkommun.test/saml"')
  t.ok(await xmlsecVerifies(t, aggregate, federation.certificate, ENTITIES), 'verifies with the federation\'s certificate')
  t.notOk(await xmlsecVerifies(t, aggregate, idp.certificate, ENTITIES), 'not with an IdP\'s')
  t.notOk(await xmlsecVerifies(t, aggregate.replace('idp.grannkommun.test/saml', 'idp.evil.test/saml'), federation.certificate, ENTITIES), 'not once an entityID changes')
})
