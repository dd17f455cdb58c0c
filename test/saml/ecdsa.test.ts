// ECDSA-signed assertions (Sweden Connect's IdPs may sign with EC P-256 keys): xmlsec1 signs,
// the verifier's own ECDSA algorithm (xml-crypto has none) verifies, and a key verifies
// only the algorithms of its own type.
import t from 'tap'
import { samlTestIdp } from '../helpers/saml-idp.js'
import { verifyAssertion } from '../../src/saml/assertion.js'
import { readIdpMetadata } from '../../src/saml/metadata.js'

const SP = 'https://e-tjanst.test/sp'
const ec = await samlTestIdp({ entityId: 'https://idp.ec.test/saml', key: 'ec' })
const rsa = await samlTestIdp({ entityId: 'https://idp.ec.test/saml' })
const otherEc = await samlTestIdp({ entityId: 'https://idp.ec.test/saml', key: 'ec' })
const check = (certificates: string[]) => ({ certificates, audiences: [SP], skewSeconds: 60 })
const login = () => ec.assertion({ audience: SP, attributes: { 'urn:oid:1.2.752.201.3.1': ['1001@2129999997'] } })

t.test('an assertion signed with ECDSA-SHA256 verifies with the IdP\'s EC certificate', async (t) => {
  const xml = await login()
  t.match(xml, /Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#ecdsa-sha256"/, 'xmlsec1 signed it with ECDSA')
  const verified = verifyAssertion(xml, check([rsa.certificate, ec.certificate]))
  t.same(verified.attributes.get('urn:oid:1.2.752.201.3.1'), ['1001@2129999997'])
  t.equal(verified.issuer, 'https://idp.ec.test/saml')
})

t.test('refused: another EC key, an RSA certificate, tampering', async (t) => {
  const xml = await login()
  t.throws(() => verifyAssertion(xml, check([otherEc.certificate])), { name: 'SamlError', message: /signature is not valid/ })
  t.throws(() => verifyAssertion(xml, check([rsa.certificate])), { name: 'SamlError', message: /signature is not valid/ }, 'an RSA key never verifies an ECDSA URI')
  t.throws(() => verifyAssertion(xml.replace('1001@2129999997', '1002@2129999997'), check([ec.certificate])), { name: 'SamlError', message: /signature is not valid/ })
})

t.test('the algorithm URI must match the key: an RSA signature relabelled as ECDSA, or back, is refused', async (t) => {
  const signedByRsa = await rsa.assertion({ audience: SP, attributes: {} })
  const relabelled = signedByRsa.replace('xmldsig-more#rsa-sha256', 'xmldsig-more#ecdsa-sha256')
  t.throws(() => verifyAssertion(relabelled, check([rsa.certificate, ec.certificate])), { name: 'SamlError', message: /signature is not valid/ })
  const signedByEc = await login()
  const asRsa = signedByEc.replace('xmldsig-more#ecdsa-sha256', 'xmldsig-more#rsa-sha256')
  t.throws(() => verifyAssertion(asRsa, check([rsa.certificate, ec.certificate])), { name: 'SamlError', message: /signature is not valid/ })
})

t.test('an EC IdP\'s metadata yields its EC certificate', async (t) => {
  const metadata = readIdpMetadata(ec.metadata())
  t.equal(metadata.signingCertificates.length, 1)
  t.equal(metadata.signingCertificates[0]?.replace(/\s/g, ''), ec.certificate.replace(/\s/g, ''))
  t.ok(verifyAssertion(await login(), check(metadata.signingCertificates)))
})
