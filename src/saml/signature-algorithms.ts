/**
 * The XML Signature algorithms a SAML signature may use: RSA with SHA-256 or SHA-512
 * (PKCS #1 v1.5 or PSS), digests SHA-256 or SHA-512, exclusive canonicalization without
 * comments. SHA-1 and HMAC are refused (the Swedish eID Framework's and Sambi's
 * algorithm requirements exclude both), and so is any transform beyond the two a SAML
 * signature needs, so no XPath or XSLT ever runs on a document an IdP sent.
 */
export const SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1'
])

export const DIGEST_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512'
])

export const EXCLUSIVE_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
export const TRANSFORMS: ReadonlySet<string> = new Set([ENVELOPED_SIGNATURE, EXCLUSIVE_C14N])
