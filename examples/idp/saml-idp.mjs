// A stand-in for a municipality's SAML identity provider (Sweden Connect org-person style),
// to try token exchange with SAML assertions (docs/logins.md) without one. It signs with
// xml-crypto; make its key and certificate with openssl first:
//
//   openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=idp -keyout DIR/idp.key -out DIR/idp.crt
//   node saml-idp.mjs metadata DIR ENTITY_ID
//       prints the IdP's metadata (an EntityDescriptor with its signing certificate)
//   node saml-idp.mjs assertion DIR ENTITY_ID AUDIENCE ORG_AFFILIATION [LOA]
//       prints a signed 5-minute assertion about the person with that orgAffiliation
//       (`<local id>@<organisation number>`), at LOA (default loa3), base64url-encoded
//       as token exchange takes it (RFC 8693 §3)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { SignedXml } from 'xml-crypto'

const [command, dir, entityId, ...rest] = process.argv.slice(2)
const LOA = 'http://id.elegnamnden.se/loa/1.0/'
const certificateBody = () => readFileSync(join(dir, 'idp.crt'), 'utf8').replace(/-----[^-]+-----|\s/g, '')
const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

if (command === 'metadata' && dir && entityId && rest.length === 0) {
  console.log(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escape(entityId)}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody()}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escape(entityId)}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`)
} else if (command === 'assertion' && dir && entityId && (rest.length === 2 || rest.length === 3)) {
  const [audience, orgAffiliation, loa = 'loa3'] = rest
  const now = new Date()
  const at = (seconds) => new Date(now.getTime() + seconds * 1000).toISOString()
  const id = `_${randomUUID()}`
  const xml = `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" IssueInstant="${at(0)}" Version="2.0">` +
    `<saml2:Issuer>${escape(entityId)}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_${randomUUID()}</saml2:NameID>` +
    `<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="${at(300)}" Recipient="${escape(audience)}"/></saml2:SubjectConfirmation></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${at(-5)}" NotOnOrAfter="${at(300)}"><saml2:AudienceRestriction><saml2:Audience>${escape(audience)}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="${at(0)}"><saml2:AuthnContext><saml2:AuthnContextClassRef>${LOA}${escape(loa)}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    '<saml2:AttributeStatement>' +
    `<saml2:Attribute Name="urn:oid:1.2.752.201.3.1" FriendlyName="orgAffiliation" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml2:AttributeValue>${escape(orgAffiliation)}</saml2:AttributeValue></saml2:Attribute>` +
    '</saml2:AttributeStatement></saml2:Assertion>'
  const signer = new SignedXml({
    privateKey: readFileSync(join(dir, 'idp.key')),
    publicCert: readFileSync(join(dir, 'idp.crt')),
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#'
  })
  signer.addReference({
    xpath: "/*[local-name(.)='Assertion']",
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#']
  })
  // The signature goes right after the Issuer, where the SAML schema puts it.
  signer.computeSignature(xml, { location: { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } })
  console.log(Buffer.from(signer.getSignedXml(), 'utf8').toString('base64url'))
} else {
  console.error('usage: node saml-idp.mjs metadata DIR ENTITY_ID | assertion DIR ENTITY_ID AUDIENCE ORG_AFFILIATION [LOA]')
  process.exit(2)
}
