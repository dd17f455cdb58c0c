import { createPublicKey, verify, type KeyLike } from 'node:crypto'

/**
 * The XML Signature algorithms a SAML signature may use: RSA with SHA-256 or SHA-512
 * (PKCS #1 v1.5 or PSS), ECDSA with SHA-256, SHA-384 or SHA-512 (RFC 6931), digests
 * SHA-256 or SHA-512, exclusive canonicalization without comments. SHA-1 and HMAC are refused (the Swedish eID Framework's and Sambi's
 * algorithm requirements exclude both), and so is any transform beyond the two a SAML
 * signature needs, so no XPath or XSLT ever runs on a document an IdP sent.
 */
export const RSA_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1'
])

/** ECDSA signature URIs and their hashes. xml-crypto has none, so behorig adds them. */
export const ECDSA_SIGNATURE_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'sha256'],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', 'sha384'],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512', 'sha512']
])

export const SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([...RSA_SIGNATURE_ALGORITHMS, ...ECDSA_SIGNATURE_ALGORITHMS.keys()])

/**
 * An xml-crypto SignatureAlgorithm (verification only) for one ECDSA URI. XML Signature
 * writes ECDSA signatures as the two integers r and s side by side (RFC 4050), which
 * Node calls the IEEE P1363 encoding.
 */
export function ecdsaAlgorithm (uri: string, hash: string) {
  return class EcdsaVerifier {
    getAlgorithmName = (): string => uri
    getSignature = (): never => { throw new Error('behorig only verifies ECDSA XML signatures') }
    verifySignature = (material: string, key: KeyLike, signatureValue: string): boolean =>
      verify(hash, Buffer.from(material, 'utf8'), { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64'))
  }
}

export const DIGEST_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512'
])

export const EXCLUSIVE_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
export const TRANSFORMS: ReadonlySet<string> = new Set([ENVELOPED_SIGNATURE, EXCLUSIVE_C14N])
