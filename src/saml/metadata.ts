import { X509Certificate } from 'node:crypto'
import type { Element } from '@xmldom/xmldom'
import { durationSeconds } from './duration.js'
import { SamlError } from './errors.js'
import { verifyRootSignature } from './signature.js'
import { childElements, descendants, instant, isElement, parseXml, SAML_METADATA_NS, textOf, XMLDSIG_NS } from './xml.js'

const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'
const WHAT = 'metadata'

export interface IdpMetadata {
  entityId: string
  /** PEM certificates of the IdP's signing keys (KeyDescriptors with use signing or none). */
  signingCertificates: string[]
  /** The earliest validUntil of the entity and the aggregates around it. */
  validUntil?: Date
  /** The shortest cacheDuration of the entity and the aggregates around it. */
  cacheDuration?: string
}

export interface ReadMetadataOptions {
  /** Which entity of an aggregate (an EntitiesDescriptor) is the IdP; required for one. */
  entityId?: string
  /** When given, the document's root must be signed by this certificate (a federation's metadata signer). */
  signingCertificate?: string
  now?: Date
}

/**
 * Reads a SAML IdP's metadata: one EntityDescriptor, or an aggregate of them as a
 * federation publishes (picked by entityId), which must come with the federation's
 * signing certificate. DTDs are refused; when a signing certificate is given, only what
 * its signature covers is read.
 */
export function readIdpMetadata (xml: string, options: ReadMetadataOptions = {}): IdpMetadata {
  const document = parseXml(xml, WHAT)
  let root = document.documentElement as Element
  if (!isElement(root, SAML_METADATA_NS, 'EntityDescriptor') && !isElement(root, SAML_METADATA_NS, 'EntitiesDescriptor')) {
    throw new SamlError('the metadata is neither an EntityDescriptor nor an EntitiesDescriptor')
  }
  if (options.signingCertificate !== undefined) root = verifyRootSignature(xml, document, [options.signingCertificate], WHAT)
  else if (isElement(root, SAML_METADATA_NS, 'EntitiesDescriptor')) throw new SamlError('the metadata is an aggregate (EntitiesDescriptor): it is read only with the federation\'s signing certificate that signed it')

  const entity = findEntity(root, options.entityId)
  const now = options.now ?? new Date()
  const enclosing = ancestry(entity)
  const validUntil = earliest(enclosing.map((element) => element.getAttribute('validUntil')).filter(present).map((value) => instant(value, 'validUntil')))
  if (validUntil && validUntil <= now) throw new SamlError(`the metadata expired at ${validUntil.toISOString()} (validUntil)`)
  const cacheDurations = enclosing.map((element) => element.getAttribute('cacheDuration')).filter(present)

  const idp = childElements(entity, SAML_METADATA_NS, 'IDPSSODescriptor')
    .find((descriptor) => (descriptor.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL))
  if (!idp) throw new SamlError('the metadata has no SAML 2.0 IDPSSODescriptor')
  return {
    entityId: entity.getAttribute('entityID') as string,
    signingCertificates: signingCertificates(idp),
    ...(validUntil ? { validUntil } : {}),
    ...(cacheDurations.length > 0 ? { cacheDuration: shortest(cacheDurations) } : {})
  }
}

function findEntity (root: Element, entityId: string | undefined): Element {
  if (isElement(root, SAML_METADATA_NS, 'EntityDescriptor')) {
    const id = root.getAttribute('entityID')
    if (!id) throw new SamlError('the metadata\'s EntityDescriptor has no entityID')
    if (entityId !== undefined && id !== entityId) throw new SamlError(`the metadata describes ${id}, not ${entityId}`)
    return root
  }
  if (entityId === undefined) throw new SamlError('the metadata is an aggregate (EntitiesDescriptor): entity_id must say which IdP in it to use')
  const matches = descendants(root, SAML_METADATA_NS, 'EntityDescriptor').filter((entity) => entity.getAttribute('entityID') === entityId)
  if (matches.length !== 1) throw new SamlError(matches.length === 0 ? `the metadata has no entity ${entityId}` : `the metadata describes ${entityId} more than once`)
  return matches[0] as Element
}

/** The entity and the EntitiesDescriptors around it, innermost first. */
function ancestry (entity: Element): Element[] {
  const chain: Element[] = []
  for (let node: Element | null = entity; node !== null && node.nodeType === 1; node = node.parentNode as Element | null) chain.push(node)
  return chain
}

function signingCertificates (idp: Element): string[] {
  const pems: string[] = []
  for (const key of childElements(idp, SAML_METADATA_NS, 'KeyDescriptor')) {
    const use = key.getAttribute('use')
    if (use !== null && use !== '' && use !== 'signing') continue
    for (const element of descendants(key, XMLDSIG_NS, 'X509Certificate')) {
      const base64 = textOf(element, WHAT).replace(/\s+/g, '')
      const pem = `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`
      try {
        void new X509Certificate(pem)
      } catch (error) {
        throw new SamlError('the metadata holds a signing certificate that is not an X.509 certificate', { cause: error })
      }
      if (!pems.includes(pem)) pems.push(pem)
    }
  }
  return pems
}

const present = (value: string | null): value is string => value !== null && value !== ''
const earliest = (dates: Date[]): Date | undefined => dates.reduce<Date | undefined>((min, date) => (min === undefined || date < min ? date : min), undefined)

function shortest (durations: string[]): string {
  // Every one is read, so a malformed cacheDuration is refused even where it is the only one.
  const seconds = durations.map(durationSeconds)
  return durations[seconds.indexOf(Math.min(...seconds))] as string
}
