import { X509Certificate } from 'node:crypto'
import { SignedXml } from 'xml-crypto'
import type { Document, Element } from '@xmldom/xmldom'
import { SamlError } from './errors.js'
import { DIGEST_ALGORITHMS, ECDSA_SIGNATURE_ALGORITHMS, ecdsaAlgorithm, EXCLUSIVE_C14N, SIGNATURE_ALGORITHMS, TRANSFORMS } from './signature-algorithms.js'
import { childElements, descendants, parseXml, requiredAttribute, requiredChild, XMLDSIG_NS } from './xml.js'

/**
 * Verifies the enveloped signature of a document's root element against certificates
 * behorig holds (never one the document carries in its KeyInfo) and returns the root as
 * it was signed, parsed from the canonical XML the signature covers. Everything a caller
 * reads comes from that, never from the document it was given, so no element outside
 * the signature (signature wrapping) can be read.
 *
 * The document must hold exactly one ds:Signature, a child of the root, with one
 * Reference to the root's ID and only the algorithms of signature-algorithms.ts.
 */
export function verifyRootSignature (xml: string, document: Document, certificates: readonly string[], what: string): Element {
  const root = document.documentElement as Element
  const id = requiredAttribute(root, 'ID', what)
  const signatures = descendants(document, XMLDSIG_NS, 'Signature')
  if (signatures.length === 0) throw new SamlError(`the ${what} is not signed`)
  const signature = signatures[0] as Element
  if (signatures.length > 1 || signature.parentNode !== root) throw new SamlError(`the ${what} must carry exactly one signature, on its root element`)
  const algorithm = checkSignedInfo(signature, id, what)

  // A key verifies only the algorithms of its own type: no RSA URI over an EC key or back.
  const keyType = ECDSA_SIGNATURE_ALGORITHMS.has(algorithm) ? 'ec' : 'rsa'
  for (const certificate of certificates.filter((pem) => publicKeyType(pem) === keyType)) {
    const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null })
    const ecdsaHash = ECDSA_SIGNATURE_ALGORITHMS.get(algorithm)
    if (ecdsaHash) (verifier.SignatureAlgorithms as Record<string, unknown>)[algorithm] = ecdsaAlgorithm(algorithm, ecdsaHash)
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0])
    let valid = false
    try {
      valid = verifier.checkSignature(xml)
    } catch {
      valid = false
    }
    const signed = verifier.getSignedReferences()
    if (valid && signed.length === 1) {
      const signedRoot = parseXml(signed[0] as string, what).documentElement as Element
      if (signedRoot.namespaceURI !== root.namespaceURI || signedRoot.localName !== root.localName || signedRoot.getAttribute('ID') !== id) {
        throw new SamlError(`the ${what}'s signature does not cover its root element`)
      }
      return signedRoot
    }
  }
  throw new SamlError(`the ${what}'s signature is not valid with the identity provider's certificates`)
}

function publicKeyType (pem: string): string | undefined {
  try {
    return new X509Certificate(pem).publicKey.asymmetricKeyType
  } catch {
    return undefined
  }
}

/** Checks SignedInfo's shape and algorithms; returns the signature algorithm's URI. */
function checkSignedInfo (signature: Element, id: string, what: string): string {
  const signedInfo = requiredChild(signature, XMLDSIG_NS, 'SignedInfo', 'signature')
  const algorithm = (name: string): string => requiredAttribute(requiredChild(signedInfo, XMLDSIG_NS, name, 'signature'), 'Algorithm', 'signature')
  if (algorithm('CanonicalizationMethod') !== EXCLUSIVE_C14N) throw new SamlError(`the ${what}'s signature must use exclusive canonicalization without comments`)
  const signatureMethod = algorithm('SignatureMethod')
  if (!SIGNATURE_ALGORITHMS.has(signatureMethod)) throw new SamlError(`the ${what}'s signature algorithm is not accepted (RSA with SHA-256 or SHA-512, or ECDSA)`)
  const references = childElements(signedInfo, XMLDSIG_NS, 'Reference')
  if (references.length !== 1) throw new SamlError(`the ${what}'s signature must have exactly one reference`)
  const reference = references[0] as Element
  if (reference.getAttribute('URI') !== `#${id}`) throw new SamlError(`the ${what}'s signature does not reference its root element`)
  const digest = requiredAttribute(requiredChild(reference, XMLDSIG_NS, 'DigestMethod', 'signature'), 'Algorithm', 'signature')
  if (!DIGEST_ALGORITHMS.has(digest)) throw new SamlError(`the ${what}'s digest algorithm is not accepted (SHA-256 or SHA-512)`)
  const transforms = childElements(reference, XMLDSIG_NS, 'Transforms').flatMap((list) => childElements(list, XMLDSIG_NS, 'Transform'))
  for (const transform of transforms) {
    if (!TRANSFORMS.has(requiredAttribute(transform, 'Algorithm', 'signature'))) throw new SamlError(`the ${what}'s signature uses a transform other than enveloped-signature and exclusive canonicalization`)
  }
  return signatureMethod
}
