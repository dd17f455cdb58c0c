// verifyAssertion against assertions the test IdP (test/helpers/saml-idp.ts) writes and
// signs with xmlsec1: what a good one yields, exactly, and each way one is refused, with the
// message that names the rule. Tampering and signature wrapping are done to real signatures.
import t, { type Test } from 'tap'
import { SignedXml } from 'xml-crypto'
import { assertionIssuer, SAML_ASSERTION_MAX_BYTES, verifyAssertion, type AssertionCheck, type VerifiedAssertion } from '../../src/saml/assertion.js'
import { SamlError } from '../../src/saml/errors.js'
import { LOA3, SAML_ATTRIBUTE, samlTestIdp, type AssertionOptions } from '../helpers/saml-idp.js'

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ENVELOPED = `${DS_NS}enveloped-signature`
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
const SP = 'https://e-tjanst.fk.test/sp'
const ORG = SAML_ATTRIBUTE.orgAffiliation
const HSA = SAML_ATTRIBUTE.employeeHsaId
const EPPN = SAML_ATTRIBUTE.eduPersonPrincipalName

const BAD_SIGNATURE = 'the assertion\'s signature is not valid with the identity provider\'s certificates'
const NOT_ON_ROOT = 'the assertion must carry exactly one signature, on its root element'
const DTD = 'the assertion has a DTD, which is not allowed'
const COMMENT = 'the assertion contains an XML comment, which is not allowed'
const ALGORITHM = /^the assertion's signature algorithm is not accepted \(RSA with SHA-256 or SHA-512\b[^)]*\)$/
const DIGEST = 'the assertion\'s digest algorithm is not accepted (SHA-256 or SHA-512)'
const C14N = 'the assertion\'s signature must use exclusive canonicalization without comments'
const TRANSFORM = 'the assertion\'s signature uses a transform other than enveloped-signature and exclusive canonicalization'
const TOO_LARGE = `the assertion is too large (more than ${SAML_ASSERTION_MAX_BYTES} bytes)`
const NOT_ASSERTION = 'the document is not a SAML 2.0 Assertion'
const EXPIRED = 'the assertion has expired (Conditions NotOnOrAfter)'
const NOT_YET = 'the assertion is not valid yet (Conditions NotBefore)'
const AUDIENCE = 'the assertion\'s audience is not this client\'s'

const [idp, other, stranger] = await Promise.all([
  samlTestIdp({ entityId: 'https://idp.kommunforbund.test/saml' }),
  samlTestIdp({ entityId: 'https://idp.grannkommun.test/saml' }),
  // Claims to be the first IdP, with a key of its own.
  samlTestIdp({ entityId: 'https://idp.kommunforbund.test/saml' })
])

/** A fixed clock for the time rules: the assertions below are built around it. */
const T = new Date('2030-01-01T00:00:00.000Z')
const at = (ms: number): Date => new Date(T.getTime() + ms)
const TIMES = { notBefore: at(-60_000), notOnOrAfter: at(5 * 60_000), authnInstant: at(-30_000) }
const ATTRIBUTES = { [ORG]: ['1001@2120001234'] }

/** The usual check: the IdP's certificate, this SP, a minute of skew, at T. */
function check (o: Partial<AssertionCheck> = {}): AssertionCheck {
  return { certificates: [idp.certificate], audiences: [SP], skewSeconds: 60, now: T, ...o }
}

function options (o: Partial<AssertionOptions> = {}): AssertionOptions {
  return { audience: SP, attributes: ATTRIBUTES, ...TIMES, ...o }
}

/** An assertion signed by the IdP (xmlsec1) around T. */
async function signed (o: Partial<AssertionOptions> = {}): Promise<string> {
  return await idp.assertion(options(o))
}

/** The unsigned assertion, changed by `edit`, then signed by the IdP: a valid signature over what the edit made. */
async function signedEdited (edit: (xml: string) => string, o: Partial<AssertionOptions> = {}): Promise<string> {
  const { xml, id } = idp.assertionXml(options(o))
  const edited = edit(xml)
  if (edited === xml) throw new Error('the edit changed nothing')
  return await idp.sign(edited, id, 'Assertion', SAML_NS)
}

/** `text` with `from` replaced by `to`, which must occur exactly once, so a test edits what it means to. */
function replaceOnce (text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) ?? []).length
  if (count !== 1) throw new Error(`${String(from)} occurs ${count} times, not once`)
  return text.replace(from, () => to)
}

function signatureOf (xml: string): string {
  const found = xml.match(/<ds:Signature [\s\S]*?<\/ds:Signature>/g) ?? []
  if (found.length !== 1) throw new Error(`${found.length} signatures`)
  return found[0] as string
}

/** What `fn` threw, or undefined. */
function thrown (fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

/** `fn` is refused with a SamlError whose message is exactly `message` (or matches it). */
function refuses (t: Test, fn: () => unknown, message: string | RegExp, name?: string): void {
  const error = thrown(fn)
  t.type(error, SamlError, name ?? 'a SamlError')
  const said = error instanceof Error ? error.message : `no error (${String(error)})`
  if (typeof message === 'string') t.equal(said, message, name ?? message)
  else t.match(said, message, name ?? String(message))
}

/** The attributes as entries, for an exact comparison. */
const entries = (verified: VerifiedAssertion): Array<[string, readonly string[]]> => [...verified.attributes]

/** An assertion signed by xml-crypto (another signer than xmlsec1) with the IdP's key and the algorithms given. */
function xmlCryptoSigned (xml: string, o: { signatureAlgorithm?: string, digestAlgorithm?: string, canonicalizationAlgorithm?: string, transforms?: string[] } = {}): string {
  const signer = new SignedXml({ privateKey: idp.privateKey, publicCert: idp.certificate, signatureAlgorithm: o.signatureAlgorithm ?? RSA_SHA256, canonicalizationAlgorithm: o.canonicalizationAlgorithm ?? EXC_C14N })
  signer.addReference({ xpath: '/*', digestAlgorithm: o.digestAlgorithm ?? SHA256, transforms: o.transforms ?? [ENVELOPED, EXC_C14N] })
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: '/*/*[local-name(.)=\'Issuer\']', action: 'after' } })
  return signer.getSignedXml()
}

t.test('a good assertion: everything it says, exactly', async (t) => {
  const second = '<saml2:AttributeStatement>' +
    `<saml2:Attribute Name="${ORG}"><saml2:AttributeValue>1003@2120001234</saml2:AttributeValue></saml2:Attribute>` +
    `<saml2:Attribute Name="${EPPN}"><saml2:AttributeValue>  anna.berg@kommun.test\n</saml2:AttributeValue></saml2:Attribute>` +
    '</saml2:AttributeStatement>'
  const xml = await signedEdited((xml) => replaceOnce(xml, '</saml2:Assertion>', `${second}</saml2:Assertion>`), {
    id: '_good-1',
    attributes: {
      [ORG]: ['1001@2120001234', '1002@2120001234'],
      [HSA]: ['SE2120001234-E1001'],
      [SAML_ATTRIBUTE.personalIdentityNumber]: ['A&amp;B', '<![CDATA[a<b]]>']
    }
  })
  const verified = verifyAssertion(xml, check())
  t.strictSame(Object.keys(verified).sort(), ['attributes', 'authnContextClassRef', 'authnInstant', 'id', 'issuer', 'notOnOrAfter'])
  t.equal(verified.id, '_good-1')
  t.equal(verified.issuer, 'https://idp.kommunforbund.test/saml')
  t.equal(verified.notOnOrAfter.toISOString(), '2030-01-01T00:05:00.000Z')
  t.equal(verified.authnInstant?.toISOString(), '2029-12-31T23:59:30.000Z')
  t.equal(verified.authnContextClassRef, LOA3)
  t.strictSame(entries(verified), [
    [ORG, ['1001@2120001234', '1002@2120001234', '1003@2120001234']],
    [HSA, ['SE2120001234-E1001']],
    [SAML_ATTRIBUTE.personalIdentityNumber, ['A&B', 'a<b']],
    [EPPN, ['anna.berg@kommun.test']]
  ], 'multi-valued, two AttributeStatements merged in order, text unescaped and trimmed')
  t.equal(assertionIssuer(xml), 'https://idp.kommunforbund.test/saml')
})

t.test('non-ASCII values, as xmlsec1 writes them (character references) and as UTF-8', async (t) => {
  const xml = await signed({ attributes: { [EPPN]: ['åsa.öberg@kommun.test'] } })
  t.match(xml, '&#xE5;sa.&#xF6;berg@kommun.test')
  t.strictSame(entries(verifyAssertion(xml, check())), [[EPPN, ['åsa.öberg@kommun.test']]])
  t.strictSame(entries(verifyAssertion(xml.replace('&#xE5;', 'å').replace('&#xF6;', 'ö'), check())), [[EPPN, ['åsa.öberg@kommun.test']]])
})

t.test('a fresh assertion verifies on the real clock (no `now`)', async (t) => {
  const xml = await idp.assertion({ audience: SP, attributes: ATTRIBUTES, authnContextClassRef: 'http://id.elegnamnden.se/loa/1.0/loa2' })
  const verified = verifyAssertion(xml, { certificates: [idp.certificate], audiences: [SP], skewSeconds: 60 })
  t.strictSame(entries(verified), [[ORG, ['1001@2120001234']]])
  t.equal(verified.authnContextClassRef, 'http://id.elegnamnden.se/loa/1.0/loa2')
  t.ok(verified.notOnOrAfter.getTime() > Date.now(), 'NotOnOrAfter still ahead')
})

t.test('an assertion without an AuthnStatement has no class ref and no instant', async (t) => {
  const xml = await signedEdited((xml) => replaceOnce(xml, /<saml2:AuthnStatement [\s\S]*<\/saml2:AuthnStatement>/, ''))
  const verified = verifyAssertion(xml, check())
  t.equal(verified.authnContextClassRef, undefined)
  t.equal(verified.authnInstant, undefined)
  t.notOk('authnContextClassRef' in verified)
  t.strictSame(entries(verified), [[ORG, ['1001@2120001234']]])
})

t.test('the signature must be by a certificate it is checked with', async (t) => {
  const xml = await signed({ id: '_rollover' })
  refuses(t, () => verifyAssertion(xml, check({ certificates: [other.certificate] })), BAD_SIGNATURE, 'another IdP\'s certificate')
  refuses(t, () => verifyAssertion(xml, check({ certificates: [] })), BAD_SIGNATURE, 'no certificate at all')
  t.equal(verifyAssertion(xml, check({ certificates: [other.certificate, idp.certificate] })).id, '_rollover', 'key rollover: the right certificate second')
  t.equal(verifyAssertion(xml, check({ certificates: [idp.certificate, other.certificate] })).id, '_rollover', 'and first')
})

t.test('the certificate in KeyInfo is not trusted, nor needed', async (t) => {
  const forged = await stranger.assertion(options({ attributes: { [ORG]: ['9999@2129999997'] } }))
  t.equal(assertionIssuer(forged), idp.entityId, 'the stranger claims to be the IdP')
  t.match(forged, /<ds:X509Certificate>\s*MII/, 'and carries its own certificate in KeyInfo')
  refuses(t, () => verifyAssertion(forged, check()), BAD_SIGNATURE, 'refused with the registered certificate')

  const strangerDer = (forged.match(/<ds:X509Certificate>([\s\S]*?)<\/ds:X509Certificate>/) as RegExpMatchArray)[1] as string
  const genuine = await signed()
  const genuineDer = (genuine.match(/<ds:X509Certificate>([\s\S]*?)<\/ds:X509Certificate>/) as RegExpMatchArray)[1] as string
  refuses(t, () => verifyAssertion(replaceOnce(forged, strangerDer, genuineDer), check()), BAD_SIGNATURE, 'the IdP\'s certificate put in the forged KeyInfo changes nothing')
  t.strictSame(entries(verifyAssertion(replaceOnce(genuine, genuineDer, strangerDer), check())), [[ORG, ['1001@2120001234']]], 'a genuine assertion with the stranger\'s certificate in KeyInfo still verifies')
  t.strictSame(entries(verifyAssertion(replaceOnce(genuine, /<ds:KeyInfo>[\s\S]*<\/ds:KeyInfo>/, ''), check())), [[ORG, ['1001@2120001234']]], 'and one without KeyInfo')
})

t.test('a change after signing is refused', async (t) => {
  const xml = await signed({ attributes: { [ORG]: ['1001@2120001234'] } })
  t.ok(verifyAssertion(xml, check()), 'the untouched assertion verifies')
  refuses(t, () => verifyAssertion(replaceOnce(xml, '1001@2120001234', '1002@2120001234'), check()), BAD_SIGNATURE, 'an attribute value')
  const evilSp = 'https://evil.test/sp'
  refuses(t, () => verifyAssertion(replaceOnce(xml, `<saml2:Audience>${SP}</saml2:Audience>`, `<saml2:Audience>${evilSp}</saml2:Audience>`), check({ audiences: [evilSp] })), BAD_SIGNATURE, 'the audience')
  const reissued = replaceOnce(xml, `<saml2:Issuer>${idp.entityId}</saml2:Issuer>`, `<saml2:Issuer>${other.entityId}</saml2:Issuer>`)
  t.equal(assertionIssuer(reissued), other.entityId, 'assertionIssuer reads the unverified Issuer, only to find certificates')
  refuses(t, () => verifyAssertion(reissued, check()), BAD_SIGNATURE, 'the issuer')
  refuses(t, () => verifyAssertion(reissued, check({ certificates: [other.certificate] })), BAD_SIGNATURE, 'the issuer, checked with that issuer\'s certificate')
  refuses(t, () => verifyAssertion(replaceOnce(xml, /(?<=<saml2:Conditions NotBefore=")[^"]+/, at(-3_600_000).toISOString()), check()), BAD_SIGNATURE, 'a time')
})

t.test('an unsigned assertion is refused', async (t) => {
  const { xml } = idp.assertionXml(options())
  refuses(t, () => verifyAssertion(xml, check()), 'the assertion is not signed')
  t.equal(assertionIssuer(xml), idp.entityId, 'its Issuer can still be looked up')
})

t.test('signature wrapping', async (t) => {
  const ID = '_signed-1'
  const genuine = await signed({ id: ID, attributes: { [ORG]: ['1001@2120001234'] } })
  const signature = signatureOf(genuine)
  const withoutSignature = replaceOnce(genuine, signature, '')
  const evilAttributes = { [ORG]: ['9999@2129999997'] }
  /** An attacker's unsigned assertion with `inAdvice` in a saml2:Advice after its Conditions. */
  const evilWith = (id: string, inAdvice: string): string =>
    replaceOnce(idp.assertionXml(options({ id, attributes: evilAttributes })).xml, '</saml2:Conditions>', `</saml2:Conditions><saml2:Advice>${inAdvice}</saml2:Advice>`)
  /** `xml` with the Signature put right after the root's Issuer. */
  const signatureOnRoot = (xml: string): string => replaceOnce(xml, /(?<=^<saml2:Assertion [^>]*><saml2:Issuer>[^<]*<\/saml2:Issuer>)/, signature)

  t.strictSame(entries(verifyAssertion(genuine, check())), [[ORG, ['1001@2120001234']]], 'the genuine assertion verifies')

  t.test('(a) the signed assertion inside a new root with another ID', async (t) => {
    const wrapped = evilWith('_evil', genuine)
    t.equal(wrapped.split(signature).length, 2, 'the genuine signature, untouched, inside')
    refuses(t, () => verifyAssertion(wrapped, check()), NOT_ON_ROOT)
    const moved = signatureOnRoot(evilWith('_evil', withoutSignature))
    refuses(t, () => verifyAssertion(moved, check()), 'the assertion\'s signature does not reference its root element', 'with its Signature moved to the new root')
  })

  t.test('(b) an evil copy with the same ID, the signed original (and its signature) in its Advice', async (t) => {
    refuses(t, () => verifyAssertion(evilWith(ID, genuine), check()), NOT_ON_ROOT)
  })

  t.test('(c) duplicate IDs: the Signature on the evil copy, the signed original in its Advice', async (t) => {
    const wrapped = signatureOnRoot(evilWith(ID, withoutSignature))
    t.equal(wrapped.split(`ID="${ID}"`).length, 3, 'two elements with the signed ID')
    refuses(t, () => verifyAssertion(wrapped, check()), BAD_SIGNATURE)
    const inObject = replaceOnce(genuine, '</ds:Signature>', `<ds:Object>${idp.assertionXml(options({ id: ID, attributes: evilAttributes })).xml}</ds:Object></ds:Signature>`)
    refuses(t, () => verifyAssertion(inObject, check()), BAD_SIGNATURE, 'the genuine root, an evil assertion with its ID in a ds:Object of the signature')
  })

  t.test('(d) two Signature elements', async (t) => {
    refuses(t, () => verifyAssertion(replaceOnce(genuine, signature, signature + signature), check()), NOT_ON_ROOT, 'side by side on the root')
    refuses(t, () => verifyAssertion(replaceOnce(genuine, '<saml2:Subject>', `<saml2:Subject>${signature}`), check()), NOT_ON_ROOT, 'a copy inside the Subject')
  })

  t.test('(e) the Signature not a child of the root', async (t) => {
    refuses(t, () => verifyAssertion(replaceOnce(withoutSignature, '<saml2:Subject>', `<saml2:Subject>${signature}`), check()), NOT_ON_ROOT, 'in the Subject')
    refuses(t, () => verifyAssertion(replaceOnce(withoutSignature, '<saml2:AttributeStatement>', `<saml2:AttributeStatement>${signature}`), check()), NOT_ON_ROOT, 'in the AttributeStatement')
  })

  // Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be" (USENIX Security 2012),
  // as SAML Raider numbers them. XSW1 and XSW2 attack a signed Response; a subject token is a
  // bare Assertion, so there the signed assertion is wrapped in a Response the attacker
  // writes. XSW3 to XSW8 place an evil assertion and the signed one as the paper does.
  t.test('the eight classic wrapping variants (XSW1-XSW8)', async (t) => {
    const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol'
    const response = (id: string, inner: string): string => `<samlp:Response xmlns:samlp="${PROTOCOL_NS}" ID="${id}" Version="2.0" IssueInstant="${T.toISOString()}">${inner}</samlp:Response>`
    const evil = (id: string): string => idp.assertionXml(options({ id, attributes: evilAttributes })).xml
    const variants: Array<[string, string, string | RegExp]> = [
      ['XSW1: an evil Response holding the signature, the signed original inside the signature\'s ds:Object',
        response('_evil', replaceOnce(signature, '</ds:Signature>', `<ds:Object>${genuine}</ds:Object></ds:Signature>`) + evil('_evil2')), NOT_ASSERTION],
      ['XSW2: an evil Response, the signed original before its (detached) signature',
        response('_evil', genuine + signature + evil('_evil2')), NOT_ASSERTION],
      ['XSW3: an evil assertion with the signed ID placed before the signed original',
        response('_r', evil(ID) + genuine), NOT_ASSERTION],
      ['XSW4: the signed original inside the evil assertion',
        replaceOnce(evil(ID), '</saml2:Assertion>', `${genuine}</saml2:Assertion>`), NOT_ON_ROOT],
      ['XSW5: the evil assertion carries the copied signature, the signed original after it, unsigned',
        response('_r', signatureOnRoot(evil(ID)) + withoutSignature), NOT_ASSERTION],
      ['XSW5 without a Response: the evil copy carries the signature of the original',
        signatureOnRoot(evil(ID)), BAD_SIGNATURE],
      ['XSW6: the evil assertion carries the signature, the signed original inside the signature\'s ds:Object',
        signatureOnRoot(evil(ID)).replace('</ds:Signature>', () => `<ds:Object>${withoutSignature}</ds:Object></ds:Signature>`), BAD_SIGNATURE],
      ['XSW7: the signed original in an Extensions element of the evil assertion',
        replaceOnce(evil('_evil'), '</saml2:Conditions>', `</saml2:Conditions><samlp:Extensions xmlns:samlp="${PROTOCOL_NS}">${genuine}</samlp:Extensions>`), NOT_ON_ROOT],
      ['XSW8: the evil assertion carries the signature, whose ds:Object holds the original with its own signature removed',
        signatureOnRoot(evil('_evil')).replace('</ds:Signature>', () => `<ds:Object>${withoutSignature}</ds:Object></ds:Signature>`), 'the assertion\'s signature does not reference its root element']
    ]
    for (const [name, xml, message] of variants) {
      t.ok(xml.includes(signature.slice(signature.indexOf('<ds:SignatureValue>'), signature.indexOf('</ds:SignatureValue>'))), `${name}: the genuine signature value is inside`)
      refuses(t, () => verifyAssertion(xml, check()), message, name)
      t.throws(() => verifyAssertion(xml, check({ certificates: [idp.certificate, other.certificate] })), SamlError, `${name}: refused whatever certificates are trusted`)
    }
  })

  t.test('unsigned content inside the Signature element is never read', async (t) => {
    const statement = `<saml2:AttributeStatement><saml2:Attribute Name="${ORG}"><saml2:AttributeValue>9999@2129999997</saml2:AttributeValue></saml2:Attribute></saml2:AttributeStatement>`
    const smuggled = replaceOnce(genuine, '</ds:Signature>', `<ds:Object>${statement}</ds:Object></ds:Signature>`)
    t.strictSame(entries(verifyAssertion(smuggled, check())), [[ORG, ['1001@2120001234']]], 'only the signed attribute')
  })
})

t.test('DTDs, comments and processing instructions are refused', async (t) => {
  const xml = await signed({ attributes: { [ORG]: ['1001@2120001234'] } })
  const withEntity = '<!DOCTYPE x [<!ENTITY e "1001">]>' + replaceOnce(xml, '1001@2120001234', '&e;@2120001234')
  refuses(t, () => verifyAssertion(withEntity, check()), DTD, 'an internal entity')
  refuses(t, () => assertionIssuer(withEntity), DTD, 'assertionIssuer too')
  refuses(t, () => verifyAssertion(`<!DOCTYPE saml2:Assertion>${xml}`, check()), DTD, 'a bare DOCTYPE')
  refuses(t, () => verifyAssertion(`<?xml version="1.0" encoding="UTF-8"?>\n<!doctype saml2:Assertion>\n${xml}`, check()), DTD, 'a lower-case doctype after the declaration')

  const commented = await signed({ attributes: { [ORG]: ['9999<!---->1001@2129999997'] } })
  refuses(t, () => verifyAssertion(commented, check()), COMMENT, 'a comment in an attribute value')
  refuses(t, () => assertionIssuer(commented), COMMENT, 'assertionIssuer too')
  t.strictSame(entries(verifyAssertion(commented.replace('<!---->', ''), check())), [[ORG, ['99991001@2129999997']]],
    'the signature itself is valid (exc-c14n leaves comments out): without the comment it verifies')

  const instruction = await signed({ attributes: { [ORG]: ['1001@2120001234<?evil data?>'] } })
  refuses(t, () => verifyAssertion(instruction, check()), 'the assertion contains a processing instruction, which is not allowed', 'a processing instruction in a value')

  t.strictSame(entries(verifyAssertion(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`, check())), [[ORG, ['1001@2120001234']]], 'an XML declaration is not a processing instruction')
})

t.test('a comment or processing instruction outside the root is refused too ("anywhere in it", xml.ts)', async (t) => {
  const xml = await signed()
  refuses(t, () => verifyAssertion(`<!-- before -->${xml}`, check()), COMMENT, 'a comment before the root')
  refuses(t, () => verifyAssertion(`${xml}<!-- after -->`, check()), COMMENT, 'a comment after the root')
  refuses(t, () => verifyAssertion(`<?evil data?>${xml}`, check()), 'the assertion contains a processing instruction, which is not allowed', 'a processing instruction before the root')
})

t.test('signature algorithms: the checks on SignedInfo, before any crypto', async (t) => {
  const xml = await signed()
  const algorithm = (name: string, value: string): string => replaceOnce(xml, new RegExp(`(?<=<ds:${name} Algorithm=")[^"]+`), value)
  refuses(t, () => verifyAssertion(algorithm('SignatureMethod', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'), check()), ALGORITHM, 'rsa-sha1')
  refuses(t, () => verifyAssertion(algorithm('SignatureMethod', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'), check()), ALGORITHM, 'hmac-sha1')
  refuses(t, () => verifyAssertion(algorithm('SignatureMethod', 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256'), check()), ALGORITHM, 'hmac-sha256')
  refuses(t, () => verifyAssertion(algorithm('DigestMethod', 'http://www.w3.org/2000/09/xmldsig#sha1'), check()), DIGEST, 'digest sha1')
  refuses(t, () => verifyAssertion(algorithm('CanonicalizationMethod', `${EXC_C14N}WithComments`), check()), C14N, 'exc-c14n with comments')
  refuses(t, () => verifyAssertion(algorithm('CanonicalizationMethod', 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'), check()), C14N, 'inclusive c14n')
  const xpath = '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>'
  refuses(t, () => verifyAssertion(replaceOnce(xml, '</ds:Transforms>', `${xpath}</ds:Transforms>`), check()), TRANSFORM, 'an XPath transform')
  refuses(t, () => verifyAssertion(replaceOnce(xml, `<ds:Transform Algorithm="${EXC_C14N}"/>`, `<ds:Transform Algorithm="${EXC_C14N}WithComments"/>`), check()), TRANSFORM, 'an exc-c14n-with-comments transform')
  refuses(t, () => verifyAssertion(replaceOnce(xml, `<ds:Transform Algorithm="${EXC_C14N}"/>`, '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>'), check()), TRANSFORM, 'an XSLT transform')

  const reference = (xml.match(/<ds:Reference [\s\S]*<\/ds:Reference>/) as RegExpMatchArray)[0]
  refuses(t, () => verifyAssertion(replaceOnce(xml, reference, reference + reference), check()), 'the assertion\'s signature must have exactly one reference', 'two references')
  refuses(t, () => verifyAssertion(replaceOnce(xml, /<ds:Reference URI="[^"]*">/, '<ds:Reference URI="">'), check()), 'the assertion\'s signature does not reference its root element', 'URI="" (the whole document)')
  refuses(t, () => verifyAssertion(replaceOnce(xml, /<ds:Reference URI="[^"]*">/, '<ds:Reference>'), check()), 'the assertion\'s signature does not reference its root element', 'no URI')
})

t.test('signature algorithms: real signatures by another signer (xml-crypto)', async (t) => {
  const { xml } = idp.assertionXml(options({ id: '_xmlcrypto' }))
  t.strictSame(entries(verifyAssertion(xmlCryptoSigned(xml), check())), [[ORG, ['1001@2120001234']]], 'rsa-sha256 / sha256 verifies')
  t.equal(verifyAssertion(xmlCryptoSigned(xml, { signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha512' }), check()).id, '_xmlcrypto', 'rsa-sha512 / sha512 verifies')
  refuses(t, () => verifyAssertion(xmlCryptoSigned(xml, { signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }), check()), ALGORITHM, 'a valid rsa-sha1 signature')
  refuses(t, () => verifyAssertion(xmlCryptoSigned(xml, { digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1' }), check()), DIGEST, 'a valid sha1 digest')
  refuses(t, () => verifyAssertion(xmlCryptoSigned(xml, { canonicalizationAlgorithm: `${EXC_C14N}WithComments` }), check()), C14N, 'valid, canonicalized with comments')
  refuses(t, () => verifyAssertion(xmlCryptoSigned(xml, { transforms: [ENVELOPED, 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'] }), check()), TRANSFORM, 'valid, with an inclusive c14n transform')
})

t.test('Conditions NotOnOrAfter, with skew', async (t) => {
  const xml = await signed()
  const end = TIMES.notOnOrAfter.getTime()
  t.ok(verifyAssertion(xml, check({ now: new Date(end + 59_999) })), 'a millisecond inside the skew')
  refuses(t, () => verifyAssertion(xml, check({ now: new Date(end + 60_000) })), EXPIRED, 'at NotOnOrAfter + skew')
  refuses(t, () => verifyAssertion(xml, check({ now: new Date(end + 3_600_000) })), EXPIRED, 'an hour later')
  refuses(t, () => verifyAssertion(xml, check({ now: new Date(end), skewSeconds: 0 })), EXPIRED, 'at NotOnOrAfter without skew')
  const lapsed = await idp.assertion({ audience: SP, attributes: ATTRIBUTES, notBefore: new Date(Date.now() - 600_000), notOnOrAfter: new Date(Date.now() - 61_000) })
  refuses(t, () => verifyAssertion(lapsed, { certificates: [idp.certificate], audiences: [SP], skewSeconds: 60 }), EXPIRED, 'on the real clock')
})

t.test('Conditions NotBefore, with skew', async (t) => {
  const xml = await signed()
  const start = TIMES.notBefore.getTime()
  t.ok(verifyAssertion(xml, check({ now: new Date(start - 60_000) })), 'exactly a skew early')
  refuses(t, () => verifyAssertion(xml, check({ now: new Date(start - 60_001) })), NOT_YET, 'a millisecond earlier')
  refuses(t, () => verifyAssertion(xml, check({ now: new Date(start - 1), skewSeconds: 0 })), NOT_YET, 'without skew')
  const withoutNotBefore = await signedEdited((xml) => replaceOnce(xml, /<saml2:Conditions NotBefore="[^"]+"/, '<saml2:Conditions'))
  t.ok(verifyAssertion(withoutNotBefore, check({ now: at(-86_400_000) })), 'NotBefore is optional')
})

t.test('instants must be UTC', async (t) => {
  const conditionsEnd = /(?<=<saml2:Conditions [^>]*NotOnOrAfter=")[^"]+/
  const offset = await signedEdited((xml) => replaceOnce(xml, conditionsEnd, '2030-01-01T01:05:00.000+01:00'))
  refuses(t, () => verifyAssertion(offset, check()), 'NotOnOrAfter is not a UTC time (YYYY-MM-DDThh:mm:ssZ)', 'NotOnOrAfter +01:00 (the same instant)')
  const local = await signedEdited((xml) => replaceOnce(xml, conditionsEnd, '2030-01-01T00:05:00'))
  refuses(t, () => verifyAssertion(local, check()), 'NotOnOrAfter is not a UTC time (YYYY-MM-DDThh:mm:ssZ)', 'NotOnOrAfter without a zone')
  const notBefore = await signedEdited((xml) => replaceOnce(xml, /(?<=<saml2:Conditions NotBefore=")[^"]+/, '2029-12-31T23:59:00-00:00'))
  refuses(t, () => verifyAssertion(notBefore, check()), 'NotBefore is not a UTC time (YYYY-MM-DDThh:mm:ssZ)', 'NotBefore -00:00')
  const issued = await signedEdited((xml) => replaceOnce(xml, /(?<=IssueInstant=")[^"]+/, '2029-12-31T23:59:00+00:00'))
  refuses(t, () => verifyAssertion(issued, check()), 'IssueInstant is not a UTC time (YYYY-MM-DDThh:mm:ssZ)', 'IssueInstant +00:00')
  const authn = await signedEdited((xml) => replaceOnce(xml, /(?<=AuthnInstant=")[^"]+/, '2029-12-31T23:59:30+00:00'))
  refuses(t, () => verifyAssertion(authn, check()), 'AuthnInstant is not a UTC time (YYYY-MM-DDThh:mm:ssZ)', 'AuthnInstant +00:00')
  const fraction = await signedEdited((xml) => replaceOnce(xml, conditionsEnd, '2030-01-01T00:05:00.1234567Z'))
  t.equal(verifyAssertion(fraction, check()).notOnOrAfter.toISOString(), '2030-01-01T00:05:00.123Z', 'seven fractional digits are a UTC time')
})

t.test('an instant that is no date is refused, not rolled over', async (t) => {
  const xml = await signedEdited((xml) => replaceOnce(xml, /(?<=<saml2:Conditions [^>]*NotOnOrAfter=")[^"]+/, '2030-02-30T00:00:00Z'))
  refuses(t, () => verifyAssertion(xml, check()), 'NotOnOrAfter is not a UTC time (YYYY-MM-DDThh:mm:ssZ)', 'February 30th')
})

t.test('Conditions must bound the assertion', async (t) => {
  const noEnd = await signedEdited((xml) => replaceOnce(xml, /(?<=<saml2:Conditions [^>]*) NotOnOrAfter="[^"]+"/, ''))
  refuses(t, () => verifyAssertion(noEnd, check()), 'the assertion\'s Conditions has no NotOnOrAfter', 'no NotOnOrAfter')
  const noConditions = await signedEdited((xml) => replaceOnce(xml, /<saml2:Conditions [\s\S]*<\/saml2:Conditions>/, ''))
  refuses(t, () => verifyAssertion(noConditions, check()), 'the assertion has no Conditions', 'no Conditions')
})

t.test('SessionNotOnOrAfter', async (t) => {
  const session = (end: Date): Promise<string> => signedEdited((xml) => replaceOnce(xml, '<saml2:AuthnStatement ', `<saml2:AuthnStatement SessionNotOnOrAfter="${end.toISOString()}" `))
  const ended = await session(at(-61_000))
  refuses(t, () => verifyAssertion(ended, check()), 'the login session has ended (SessionNotOnOrAfter)', 'ended more than the skew ago')
  t.ok(verifyAssertion(await session(at(-59_000)), check()), 'ended within the skew')
  const offset = await signedEdited((xml) => replaceOnce(xml, '<saml2:AuthnStatement ', '<saml2:AuthnStatement SessionNotOnOrAfter="2030-01-01T09:00:00+09:00" '))
  refuses(t, () => verifyAssertion(offset, check()), 'SessionNotOnOrAfter is not a UTC time (YYYY-MM-DDThh:mm:ssZ)')
})

t.test('audience', async (t) => {
  const xml = await signed()
  refuses(t, () => verifyAssertion(xml, check({ audiences: ['https://other-sp.test/sp'] })), AUDIENCE, 'not ours')
  refuses(t, () => verifyAssertion(xml, check({ audiences: [] })), AUDIENCE, 'no audience accepted')
  t.ok(verifyAssertion(xml, check({ audiences: ['client-1', SP] })), 'one of several')
  const restriction = (audiences: string[]): string => `<saml2:AudienceRestriction>${audiences.map((a) => `<saml2:Audience>${a}</saml2:Audience>`).join('')}</saml2:AudienceRestriction>`
  const twoRestrictions = await signedEdited((xml) => replaceOnce(xml, '</saml2:Conditions>', `${restriction(['https://someone-else.test/sp'])}</saml2:Conditions>`))
  refuses(t, () => verifyAssertion(twoRestrictions, check()), AUDIENCE, 'a second AudienceRestriction not naming us')
  const bothOurs = await signedEdited((xml) => replaceOnce(xml, '</saml2:Conditions>', `${restriction(['https://someone-else.test/sp', SP])}</saml2:Conditions>`))
  t.ok(verifyAssertion(bothOurs, check()), 'two AudienceRestrictions, each naming us among others')
  const none = await signedEdited((xml) => replaceOnce(xml, /<saml2:AudienceRestriction>[\s\S]*<\/saml2:AudienceRestriction>/, ''))
  refuses(t, () => verifyAssertion(none, check()), 'the assertion has no AudienceRestriction')
  const empty = await signedEdited((xml) => replaceOnce(xml, /<saml2:AudienceRestriction>[\s\S]*<\/saml2:AudienceRestriction>/, restriction([])))
  refuses(t, () => verifyAssertion(empty, check()), AUDIENCE, 'an AudienceRestriction naming no one')
})

t.test('bearer SubjectConfirmation', async (t) => {
  const holderOfKey = await signedEdited((xml) => replaceOnce(xml, 'urn:oasis:names:tc:SAML:2.0:cm:bearer', 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key'))
  refuses(t, () => verifyAssertion(holderOfKey, check()), 'the assertion has no bearer SubjectConfirmation', 'holder-of-key only')
  const subjectEnd = /(?<=<saml2:SubjectConfirmationData NotOnOrAfter=")[^"]+/
  const expired = await signedEdited((xml) => replaceOnce(xml, subjectEnd, at(-61_000).toISOString()))
  refuses(t, () => verifyAssertion(expired, check()), 'the assertion\'s SubjectConfirmation has expired', 'expired more than the skew ago')
  const withinSkew = await signedEdited((xml) => replaceOnce(xml, subjectEnd, at(-59_000).toISOString()))
  t.ok(verifyAssertion(withinSkew, check()), 'expired within the skew')
  const fresh = '<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="2030-01-01T00:05:00.000Z"/></saml2:SubjectConfirmation>'
  const oneFresh = await signedEdited((xml) => replaceOnce(replaceOnce(xml, subjectEnd, at(-61_000).toISOString()), '</saml2:Subject>', `${fresh}</saml2:Subject>`))
  t.ok(verifyAssertion(oneFresh, check()), 'an expired bearer and a current one')
  const noData = await signedEdited((xml) => replaceOnce(xml, /<saml2:SubjectConfirmationData [^>]*\/>/, ''))
  t.ok(verifyAssertion(noData, check()), 'a bearer without SubjectConfirmationData')
  const offset = await signedEdited((xml) => replaceOnce(xml, subjectEnd, '2030-01-01T01:05:00+01:00'))
  refuses(t, () => verifyAssertion(offset, check()), 'SubjectConfirmationData NotOnOrAfter is not a UTC time (YYYY-MM-DDThh:mm:ssZ)')
})

t.test('the document itself', async (t) => {
  const version = await signedEdited((xml) => replaceOnce(xml, 'Version="2.0"', 'Version="1.1"'))
  refuses(t, () => verifyAssertion(version, check()), 'the assertion is not a SAML 2.0 assertion', 'Version 1.1')
  const noVersion = await signedEdited((xml) => replaceOnce(xml, ' Version="2.0"', ''))
  refuses(t, () => verifyAssertion(noVersion, check()), 'the assertion is not a SAML 2.0 assertion', 'no Version')

  const assertion = await signed()
  const response = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_response" Version="2.0" IssueInstant="${T.toISOString()}">${assertion}</samlp:Response>`
  refuses(t, () => verifyAssertion(response, check()), NOT_ASSERTION, 'a samlp:Response')
  refuses(t, () => assertionIssuer(response), NOT_ASSERTION, 'assertionIssuer on a samlp:Response')
  const saml1 = assertion.replace(`xmlns:saml2="${SAML_NS}"`, 'xmlns:saml2="urn:oasis:names:tc:SAML:1.0:assertion"')
  refuses(t, () => verifyAssertion(saml1, check()), NOT_ASSERTION, 'an Assertion in the SAML 1 namespace')

  const issuerRef = await signedEdited((xml) => replaceOnce(xml, '<saml2:Issuer>', '<saml2:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">'))
  refuses(t, () => verifyAssertion(issuerRef, check()), 'the assertion\'s Issuer is not an entity', 'Issuer Format unspecified')
  refuses(t, () => assertionIssuer(issuerRef), 'the assertion\'s Issuer is not an entity', 'assertionIssuer too')
  const entity = await signedEdited((xml) => replaceOnce(xml, '<saml2:Issuer>', '<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">'))
  t.equal(verifyAssertion(entity, check()).issuer, idp.entityId, 'Issuer Format entity')
  const emptyIssuer = await signedEdited((xml) => replaceOnce(xml, `<saml2:Issuer>${idp.entityId}</saml2:Issuer>`, '<saml2:Issuer> </saml2:Issuer>'))
  refuses(t, () => verifyAssertion(emptyIssuer, check()), 'the assertion\'s Issuer is empty')
  refuses(t, () => assertionIssuer(emptyIssuer), 'the assertion\'s Issuer is empty', 'assertionIssuer on an empty Issuer')
})

t.test('encrypted parts are refused', async (t) => {
  const encryptedData = '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>'
  const attribute = await signedEdited((xml) => replaceOnce(xml, '</saml2:AttributeStatement>', `<saml2:EncryptedAttribute>${encryptedData}</saml2:EncryptedAttribute></saml2:AttributeStatement>`))
  refuses(t, () => verifyAssertion(attribute, check()), 'encrypted assertions and attributes are not supported', 'an EncryptedAttribute')
  const id = await signedEdited((xml) => replaceOnce(xml, /<saml2:NameID [^>]*>[^<]*<\/saml2:NameID>/, `<saml2:EncryptedID>${encryptedData}</saml2:EncryptedID>`))
  refuses(t, () => verifyAssertion(id, check()), 'encrypted assertions and attributes are not supported', 'an EncryptedID')
})

t.test('attributes hold text only', async (t) => {
  const markup = await signed({ attributes: { [ORG]: ['<b>1001@2120001234</b>'] } })
  refuses(t, () => verifyAssertion(markup, check()), 'the assertion\'s AttributeValue holds markup where only text is allowed')
  const nameless = await signedEdited((xml) => replaceOnce(xml, `<saml2:Attribute Name="${ORG}"`, '<saml2:Attribute'))
  refuses(t, () => verifyAssertion(nameless, check()), 'the assertion\'s Attribute has no Name', 'an Attribute without Name')
})

t.test('size: more than SAML_ASSERTION_MAX_BYTES (in bytes, not characters) is not read', async (t) => {
  t.equal(SAML_ASSERTION_MAX_BYTES, 65_536)
  // xmlsec1 writes non-ASCII as character references; written as UTF-8 the signed text is the same.
  const big = (await signed({ attributes: { [ORG]: ['å'.repeat(33_000)] } })).replaceAll('&#xE5;', 'å')
  t.ok(big.length < SAML_ASSERTION_MAX_BYTES && Buffer.byteLength(big) > SAML_ASSERTION_MAX_BYTES, 'fewer characters than the limit, more bytes')
  refuses(t, () => verifyAssertion(big, check()), TOO_LARGE, 'verifyAssertion')
  refuses(t, () => assertionIssuer(big), TOO_LARGE, 'assertionIssuer')

  const xml = await signed()
  const padding = SAML_ASSERTION_MAX_BYTES - Buffer.byteLength(xml)
  const exactly = `${xml}${' '.repeat(padding)}`
  t.equal(Buffer.byteLength(exactly), SAML_ASSERTION_MAX_BYTES)
  t.ok(verifyAssertion(exactly, check()), 'exactly the limit is read')
  t.equal(assertionIssuer(exactly), idp.entityId)
  refuses(t, () => verifyAssertion(`${exactly} `, check()), TOO_LARGE, 'a byte more')
  refuses(t, () => assertionIssuer(`${exactly} `), TOO_LARGE, 'a byte more, assertionIssuer')
})

t.test('XML that is not well-formed is refused', async (t) => {
  const xml = await signed()
  const wellFormed = /^the assertion is not well-formed XML\b/
  refuses(t, () => verifyAssertion(xml.slice(0, -1), check()), wellFormed, 'truncated')
  refuses(t, () => assertionIssuer(xml.slice(0, -1)), wellFormed, 'truncated, assertionIssuer')
  refuses(t, () => verifyAssertion(`${xml}<saml2:Assertion xmlns:saml2="${SAML_NS}"/>`, check()), wellFormed, 'two roots')
  refuses(t, () => verifyAssertion(`junk${xml}`, check()), wellFormed, 'text before the root')
  refuses(t, () => verifyAssertion(replaceOnce(xml, '<saml2:Subject>', '<saml2:Subject><evil:x/>'), check()), wellFormed, 'an undeclared prefix')
  refuses(t, () => verifyAssertion(replaceOnce(xml, '1001@2120001234', '&e;'), check()), wellFormed, 'an undefined entity')
  refuses(t, () => verifyAssertion('', check()), /^the assertion is not (well-formed XML|a SAML document)\b/, 'nothing at all')
})
