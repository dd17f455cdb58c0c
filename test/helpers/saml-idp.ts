// A SAML 2.0 identity provider for tests: it writes assertions and metadata and signs them
// with xmlsec1 (libxmlsec/OpenSSL), another XML-DSig implementation than the verifier's
// xml-crypto, so a test proves interoperability rather than one library agreeing with itself.
import { execFile } from 'node:child_process'
import { randomBytes, X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3'

/** Attribute names (urn:oid) of the Swedish eID framework and eduPerson that logins carry. */
export const SAML_ATTRIBUTE = {
  orgAffiliation: 'urn:oid:1.2.752.201.3.1',
  employeeHsaId: 'urn:oid:1.2.752.29.6.2.1',
  eduPersonPrincipalName: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6',
  personalIdentityNumber: 'urn:oid:1.2.752.29.4.13'
} as const

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'

export interface AssertionOptions {
  /** AudienceRestriction/Audience, and the SubjectConfirmationData's Recipient. */
  audience: string
  /**
   * Attribute Name -> values. The values go into the XML verbatim, NOT escaped: a test can
   * put markup in one (a comment `<!---->`, an element) to see that the verifier refuses it.
   */
  attributes: Record<string, string[]>
  /** Default: the IdP's entityId. */
  issuer?: string
  /** Default LOA3. */
  authnContextClassRef?: string
  /** Default now - 30 s. */
  authnInstant?: Date
  /** Default now - 60 s. */
  notBefore?: Date
  /** Default now + 5 min. */
  notOnOrAfter?: Date
  /** Default '_' + 32 random hex characters. */
  id?: string
  /** Default a random transient id. */
  nameId?: string
}

export interface SamlTestIdp {
  entityId: string
  /** PEM of the signing certificate (self-signed RSA 2048, valid a day). */
  certificate: string
  /** PEM of the signing key. */
  privateKey: string
  /** The unsigned assertion (no Signature element) and its ID. */
  assertionXml (o: AssertionOptions): { xml: string, id: string }
  /** The assertion, signed by xmlsec1 (enveloped, exc-c14n, RSA-SHA256 or ECDSA-SHA256 by key type; Signature right after Issuer). */
  assertion (o: AssertionOptions): Promise<string>
  /**
   * Signs a document's root element (which gets `ID="<id>"` if it has no ID attribute) with
   * this IdP's key: the Signature goes right after the root's first child if that is an
   * Issuer, else it becomes the root's first child.
   */
  sign (xml: string, id: string, rootLocalName: string, rootNamespace: string): Promise<string>
  /** Unsigned md:EntityDescriptor with one IDPSSODescriptor holding the signing certificate. */
  metadata (o?: { validUntil?: Date, cacheDuration?: string, entityId?: string }): string
}

/** A test IdP with a key pair of its own. */
export async function samlTestIdp (options: { entityId: string, key?: KeyType }): Promise<SamlTestIdp> {
  const keys = await keyPair(commonNameOf(options.entityId), options.key)
  const idp: SamlTestIdp = {
    entityId: options.entityId,
    certificate: keys.certificate,
    privateKey: keys.privateKey,
    assertionXml: (o) => assertionXml(options.entityId, o),
    async assertion (o) {
      const { xml, id } = assertionXml(options.entityId, o)
      return await signXml(keys, xml, id, 'Assertion', SAML_NS)
    },
    sign: (xml, id, rootLocalName, rootNamespace) => signXml(keys, xml, id, rootLocalName, rootNamespace),
    metadata: (o = {}) => entityDescriptor(o.entityId ?? options.entityId, keys.certificate, o)
  }
  return idp
}

/**
 * An md:EntitiesDescriptor holding several IdPs' EntityDescriptors (without their XML
 * declarations), signed with the given key pair by xmlsec1 (ID attribute on the EntitiesDescriptor).
 */
export async function signedAggregate (entities: string[], signer: { certificate: string, privateKey: string }, o: { validUntil?: Date, cacheDuration?: string } = {}): Promise<string> {
  const id = randomId()
  const xml = `<md:EntitiesDescriptor xmlns:md="${MD_NS}" ID="${id}"${timing(o)}>` +
    entities.map(withoutDeclaration).join('') +
    '</md:EntitiesDescriptor>'
  return await signXml(signer, xml, id, 'EntitiesDescriptor', MD_NS)
}

/** RSA 2048 (signing RSA-SHA256) or EC P-256 (signing ECDSA-SHA256). */
export type KeyType = 'rsa' | 'ec'

/** A fresh self-signed key pair (RSA 2048 unless `ec`, what samlTestIdp uses), valid a day. */
export async function keyPair (commonName: string, type: KeyType = 'rsa'): Promise<{ certificate: string, privateKey: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'saml-idp-'))
  try {
    const key = join(dir, 'key.pem')
    const cert = join(dir, 'cert.pem')
    const newKey = type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048']
    await run('openssl', ['req', '-x509', ...newKey, '-nodes', '-days', '1', '-subj', `/CN=${commonName}`, '-keyout', key, '-out', cert])
    return { certificate: await readFile(cert, 'utf8'), privateKey: await readFile(key, 'utf8') }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function assertionXml (entityId: string, o: AssertionOptions): { xml: string, id: string } {
  const now = Date.now()
  const id = o.id ?? randomId()
  const notOnOrAfter = (o.notOnOrAfter ?? new Date(now + 5 * 60_000)).toISOString()
  const audience = escapeXml(o.audience)
  const attributes = Object.entries(o.attributes).map(([name, values]) =>
    `<saml2:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
    values.map((value) => `<saml2:AttributeValue>${value}</saml2:AttributeValue>`).join('') +
    '</saml2:Attribute>')
  const xml = `<saml2:Assertion xmlns:saml2="${SAML_NS}" ID="${escapeXml(id)}" IssueInstant="${new Date(now).toISOString()}" Version="2.0">` +
    `<saml2:Issuer>${escapeXml(o.issuer ?? entityId)}</saml2:Issuer>` +
    '<saml2:Subject>' +
    `<saml2:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">${escapeXml(o.nameId ?? randomId())}</saml2:NameID>` +
    `<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${audience}"/></saml2:SubjectConfirmation>` +
    '</saml2:Subject>' +
    `<saml2:Conditions NotBefore="${(o.notBefore ?? new Date(now - 60_000)).toISOString()}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml2:AudienceRestriction><saml2:Audience>${audience}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="${(o.authnInstant ?? new Date(now - 30_000)).toISOString()}" SessionIndex="${randomId()}">` +
    `<saml2:AuthnContext><saml2:AuthnContextClassRef>${escapeXml(o.authnContextClassRef ?? LOA3)}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    (attributes.length > 0 ? `<saml2:AttributeStatement>${attributes.join('')}</saml2:AttributeStatement>` : '') +
    '</saml2:Assertion>'
  return { xml, id }
}

function entityDescriptor (entityId: string, certificate: string, o: { validUntil?: Date, cacheDuration?: string }): string {
  const der = new X509Certificate(certificate).raw.toString('base64')
  return `<md:EntityDescriptor xmlns:md="${MD_NS}" xmlns:ds="${DS_NS}" entityID="${escapeXml(entityId)}"${timing(o)}>` +
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://${escapeXml(hostOf(entityId))}/sso"/>` +
    '</md:IDPSSODescriptor>' +
    '</md:EntityDescriptor>'
}

/** The validUntil and cacheDuration attributes of a metadata root, each when given. */
function timing (o: { validUntil?: Date, cacheDuration?: string }): string {
  return (o.validUntil ? ` validUntil="${o.validUntil.toISOString()}"` : '') +
    (o.cacheDuration !== undefined ? ` cacheDuration="${escapeXml(o.cacheDuration)}"` : '')
}

/** An enveloped XML-DSig template over `#id`, for xmlsec1 to fill in. */
function signatureTemplate (id: string, signatureMethod: string): string {
  return `<ds:Signature xmlns:ds="${DS_NS}">` +
    '<ds:SignedInfo>' +
    `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>` +
    `<ds:SignatureMethod Algorithm="${signatureMethod}"/>` +
    `<ds:Reference URI="#${escapeXml(id)}">` +
    `<ds:Transforms><ds:Transform Algorithm="${DS_NS}enveloped-signature"/><ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>` +
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>' +
    '<ds:DigestValue></ds:DigestValue>' +
    '</ds:Reference>' +
    '</ds:SignedInfo>' +
    '<ds:SignatureValue></ds:SignatureValue>' +
    '<ds:KeyInfo><ds:X509Data><ds:X509Certificate></ds:X509Certificate></ds:X509Data></ds:KeyInfo>' +
    '</ds:Signature>'
}

/** Signs the root element of `xml` with xmlsec1, the Signature placed where SAML wants it. */
async function signXml (keys: { certificate: string, privateKey: string }, xml: string, id: string, rootLocalName: string, rootNamespace: string): Promise<string> {
  const ec = new X509Certificate(keys.certificate).publicKey.asymmetricKeyType === 'ec'
  const template = withSignatureTemplate(withoutDeclaration(xml), id, `http://www.w3.org/2001/04/xmldsig-more#${ec ? 'ecdsa' : 'rsa'}-sha256`)
  const dir = await mkdtemp(join(tmpdir(), 'saml-idp-'))
  try {
    const key = join(dir, 'key.pem')
    const cert = join(dir, 'cert.pem')
    const input = join(dir, 'tmpl.xml')
    const output = join(dir, 'out.xml')
    await Promise.all([writeFile(key, keys.privateKey), writeFile(cert, keys.certificate), writeFile(input, template)])
    try {
      await run('xmlsec1', ['--sign', '--privkey-pem', `${key},${cert}`, '--id-attr:ID', `${rootNamespace}:${rootLocalName}`, '--output', output, input])
    } catch (error) {
      throw new Error(`xmlsec1 could not sign the ${rootLocalName}: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error })
    }
    return withoutDeclaration(await readFile(output, 'utf8')).trim()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** `xml` with the signature template in its root: after a first-child Issuer, else first. */
function withSignatureTemplate (xml: string, id: string, signatureMethod: string): string {
  const start = xml.search(/<[A-Za-z_]/)
  if (start < 0) throw new Error('no root element to sign')
  const startTagEnd = endOfTag(xml, start)
  const startTag = xml.slice(start, startTagEnd)
  if (startTag.endsWith('/>')) throw new Error('the root element to sign is empty')
  const idAttribute = /\sID\s*=\s*(["'])(.*?)\1/.exec(startTag)
  let head = xml.slice(0, startTagEnd)
  if (!idAttribute) head = `${xml.slice(0, startTagEnd - 1)} ID="${escapeXml(id)}">`
  else if (idAttribute[2] !== id) throw new Error(`the root element's ID is ${idAttribute[2]}, not ${id}`)
  let at = startTagEnd
  const issuer = /^(?:\s|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*<((?:[A-Za-z_][\w.-]*:)?Issuer)[\s/>]/.exec(xml.slice(at))
  if (issuer) {
    const issuerStart = at + issuer[0].length - issuer[1]!.length - 2
    const issuerTagEnd = endOfTag(xml, issuerStart)
    if (xml.slice(issuerStart, issuerTagEnd).endsWith('/>')) at = issuerTagEnd
    else {
      const close = xml.indexOf(`</${issuer[1]}`, issuerTagEnd)
      if (close < 0) throw new Error('the Issuer is not closed')
      at = xml.indexOf('>', close) + 1
    }
  }
  return head + xml.slice(startTagEnd, at) + signatureTemplate(id, signatureMethod) + xml.slice(at)
}

/** The index after the `>` of the tag that starts at `start`, skipping quoted attribute values. */
function endOfTag (xml: string, start: number): number {
  let quote = ''
  for (let i = start; i < xml.length; i++) {
    const c = xml[i]
    if (quote) { if (c === quote) quote = '' } else if (c === '"' || c === '\'') quote = c
    else if (c === '>') return i + 1
  }
  throw new Error('an unterminated tag')
}

function withoutDeclaration (xml: string): string {
  return xml.replace(/^\uFEFF?\s*<\?xml[\s\S]*?\?>\s*/, '')
}

function escapeXml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

function randomId (): string {
  return `_${randomBytes(16).toString('hex')}`
}

function hostOf (entityId: string): string {
  try {
    return new URL(entityId).host || 'idp.test'
  } catch {
    return 'idp.test'
  }
}

/** A certificate subject CN from an entityId: its host, or a safe stand-in. */
function commonNameOf (entityId: string): string {
  return hostOf(entityId).replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64) || 'saml-test-idp'
}
