import type { Element } from '@xmldom/xmldom'
import { SamlError } from './errors.js'
import { verifyRootSignature } from './signature.js'
import { childElements, descendants, instant, isElement, optionalChild, parseXml, requiredAttribute, requiredChild, SAML_ASSERTION_NS, textOf } from './xml.js'

/** The largest assertion read at all: a Sweden Connect assertion is 5–15 KB. */
export const SAML_ASSERTION_MAX_BYTES = 65_536

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
const ENTITY_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity'
const WHAT = 'assertion'

export interface AssertionCheck {
  /** PEM certificates from the IdP's metadata; the signature must verify with one. */
  certificates: readonly string[]
  /** Every AudienceRestriction must name one of these. */
  audiences: readonly string[]
  skewSeconds: number
  now?: Date
}

export interface VerifiedAssertion {
  id: string
  issuer: string
  /** When Conditions stop the assertion from being used (replay is guarded until then). */
  notOnOrAfter: Date
  /** Attribute values by Attribute Name, as signed. */
  attributes: ReadonlyMap<string, readonly string[]>
  authnContextClassRef?: string
  authnInstant?: Date
}

/**
 * The Issuer of a `<saml2:Assertion>` before its signature is checked, to find the
 * registration whose certificates verify it. Nothing else is read from an unverified
 * assertion.
 */
export function assertionIssuer (xml: string): string {
  return issuerOf(parseAssertion(xml).root)
}

/**
 * Verifies a bare SAML 2.0 assertion (RFC 8693's saml2 token type) and reads what a
 * login is: who issued it, about which attributes, at which level of assurance, when.
 * Refused: anything but one signed Assertion; encrypted parts; a signature by another
 * key or algorithm; an assertion outside its Conditions' time window (± skewSeconds);
 * an AudienceRestriction naming none of `audiences`; no bearer SubjectConfirmation or
 * an expired one; an expired session; attribute values holding markup.
 */
export function verifyAssertion (xml: string, check: AssertionCheck): VerifiedAssertion {
  const { document } = parseAssertion(xml)
  if (descendants(document, SAML_ASSERTION_NS, 'EncryptedAttribute').length + descendants(document, SAML_ASSERTION_NS, 'EncryptedID').length + descendants(document, SAML_ASSERTION_NS, 'EncryptedAssertion').length > 0) {
    throw new SamlError('encrypted assertions and attributes are not supported')
  }
  const assertion = verifyRootSignature(xml, document, check.certificates, WHAT)
  const now = check.now ?? new Date()
  const skewMs = check.skewSeconds * 1000
  if (assertion.getAttribute('Version') !== '2.0') throw new SamlError('the assertion is not a SAML 2.0 assertion')
  instant(requiredAttribute(assertion, 'IssueInstant', WHAT), 'IssueInstant')

  const conditions = requiredChild(assertion, SAML_ASSERTION_NS, 'Conditions', WHAT)
  const notBefore = conditions.getAttribute('NotBefore')
  if (notBefore !== null && instant(notBefore, 'NotBefore').getTime() - skewMs > now.getTime()) throw new SamlError('the assertion is not valid yet (Conditions NotBefore)')
  const notOnOrAfter = instant(requiredAttribute(conditions, 'NotOnOrAfter', WHAT), 'NotOnOrAfter')
  if (notOnOrAfter.getTime() + skewMs <= now.getTime()) throw new SamlError('the assertion has expired (Conditions NotOnOrAfter)')
  const restrictions = childElements(conditions, SAML_ASSERTION_NS, 'AudienceRestriction')
  if (restrictions.length === 0) throw new SamlError('the assertion has no AudienceRestriction')
  for (const restriction of restrictions) {
    const named = childElements(restriction, SAML_ASSERTION_NS, 'Audience').map((audience) => textOf(audience, WHAT))
    if (!named.some((audience) => check.audiences.includes(audience))) throw new SamlError('the assertion\'s audience is not this client\'s')
  }

  checkBearer(assertion, now, skewMs)
  const authn = childElements(assertion, SAML_ASSERTION_NS, 'AuthnStatement')
  if (authn.length > 1) throw new SamlError('the assertion has more than one AuthnStatement')
  const statement = authn[0]
  const sessionEnd = statement?.getAttribute('SessionNotOnOrAfter')
  if (sessionEnd && instant(sessionEnd, 'SessionNotOnOrAfter').getTime() + skewMs <= now.getTime()) throw new SamlError('the login session has ended (SessionNotOnOrAfter)')
  const classRef = statement && optionalChild(requiredChild(statement, SAML_ASSERTION_NS, 'AuthnContext', WHAT), SAML_ASSERTION_NS, 'AuthnContextClassRef', WHAT)

  return {
    id: requiredAttribute(assertion, 'ID', WHAT),
    issuer: issuerOf(assertion),
    notOnOrAfter,
    attributes: attributesOf(assertion),
    ...(classRef ? { authnContextClassRef: textOf(classRef, WHAT) } : {}),
    ...(statement ? { authnInstant: instant(requiredAttribute(statement, 'AuthnInstant', WHAT), 'AuthnInstant') } : {})
  }
}

function parseAssertion (xml: string) {
  if (Buffer.byteLength(xml, 'utf8') > SAML_ASSERTION_MAX_BYTES) throw new SamlError(`the assertion is too large (more than ${SAML_ASSERTION_MAX_BYTES} bytes)`)
  const document = parseXml(xml, WHAT)
  const root = document.documentElement as Element
  if (!isElement(root, SAML_ASSERTION_NS, 'Assertion')) throw new SamlError('the document is not a SAML 2.0 Assertion')
  return { document, root }
}

function issuerOf (assertion: Element): string {
  const issuer = requiredChild(assertion, SAML_ASSERTION_NS, 'Issuer', WHAT)
  const format = issuer.getAttribute('Format')
  if (format !== null && format !== '' && format !== ENTITY_FORMAT) throw new SamlError('the assertion\'s Issuer is not an entity')
  const name = textOf(issuer, WHAT)
  if (name === '') throw new SamlError('the assertion\'s Issuer is empty')
  return name
}

/** RFC 7522 §3: a bearer SubjectConfirmation whose data, if any, has not expired. */
function checkBearer (assertion: Element, now: Date, skewMs: number): void {
  const subject = requiredChild(assertion, SAML_ASSERTION_NS, 'Subject', WHAT)
  const bearers = childElements(subject, SAML_ASSERTION_NS, 'SubjectConfirmation').filter((confirmation) => confirmation.getAttribute('Method') === BEARER)
  if (bearers.length === 0) throw new SamlError('the assertion has no bearer SubjectConfirmation')
  const current = bearers.some((bearer) => {
    const data = optionalChild(bearer, SAML_ASSERTION_NS, 'SubjectConfirmationData', WHAT)
    const until = data?.getAttribute('NotOnOrAfter')
    return !until || instant(until, 'SubjectConfirmationData NotOnOrAfter').getTime() + skewMs > now.getTime()
  })
  if (!current) throw new SamlError('the assertion\'s SubjectConfirmation has expired')
}

function attributesOf (assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>()
  for (const statement of childElements(assertion, SAML_ASSERTION_NS, 'AttributeStatement')) {
    for (const attribute of childElements(statement, SAML_ASSERTION_NS, 'Attribute')) {
      const name = requiredAttribute(attribute, 'Name', WHAT)
      const values = childElements(attribute, SAML_ASSERTION_NS, 'AttributeValue').map((value) => textOf(value, WHAT))
      attributes.set(name, [...(attributes.get(name) ?? []), ...values])
    }
  }
  return attributes
}
