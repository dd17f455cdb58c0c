import { X509Certificate } from 'node:crypto'
import type { OutboundFetch } from '../net/outbound-fetch.js'
import { OutboundFailed } from '../net/outbound-errors.js'
import { durationSeconds } from '../saml/duration.js'
import { SamlError } from '../saml/errors.js'
import { readIdpMetadata } from '../saml/metadata.js'
import type { PlatformIdentityProviderDocument } from './schemas.js'
import type { StoredSamlMetadata } from './repository.js'

/** Metadata is read again at least this often, whatever its cacheDuration says. */
export const MAX_METADATA_CACHE_SECONDS = 6 * 3600
const DEFAULT_FETCH = { deadlineMs: 10_000, maxBytes: 8 * 1_048_576 }

export interface MetadataFetchOptions { timeoutMs?: number, maxBytes?: number, ca?: string }

/** Metadata that cannot be used: unreadable, unsigned where it must be signed, expired, or without the IdP. The message says which, for an administrator. */
export class MetadataUnusable extends Error {
  constructor (message: string, options?: ErrorOptions) { super(message, options); this.name = 'MetadataUnusable' }
}

type SamlSettings = NonNullable<PlatformIdentityProviderDocument['saml']>

/**
 * Reads a SAML registration's metadata (inline, or from its metadata_url through the
 * outbound guard) and keeps what logins are verified with: the entityID, the signing
 * certificates, validUntil, and when to read it again: after its cacheDuration, at most
 * six hours, and at the latest halfway to validUntil, so a refresh happens well before it.
 */
export async function readRegistrationMetadata (saml: SamlSettings, deps: { outbound: Pick<OutboundFetch, 'get'>, fetch?: MetadataFetchOptions }, now = new Date()): Promise<StoredSamlMetadata> {
  const xml = saml.metadata_xml ?? await fetchMetadata(saml.metadata_url as string, deps)
  let metadata
  try {
    metadata = readIdpMetadata(xml, {
      ...(saml.entity_id ? { entityId: saml.entity_id } : {}),
      ...(saml.metadata_signing_certificate ? { signingCertificate: saml.metadata_signing_certificate } : {}),
      now
    })
  } catch (error) {
    if (error instanceof SamlError) throw new MetadataUnusable(error.message, { cause: error })
    throw error
  }
  if (metadata.signingCertificates.length === 0) throw new MetadataUnusable('the IdP\'s metadata has no signing certificate')
  return {
    entity_id: metadata.entityId,
    certificates: metadata.signingCertificates,
    valid_until: metadata.validUntil?.toISOString() ?? null,
    read_at: now.toISOString(),
    refresh_after: saml.metadata_url ? new Date(now.getTime() + refreshInSeconds(metadata, now) * 1000).toISOString() : null
  }
}

function refreshInSeconds (metadata: { validUntil?: Date, cacheDuration?: string }, now: Date): number {
  const cached = metadata.cacheDuration !== undefined ? durationSeconds(metadata.cacheDuration) : undefined
  const halfway = metadata.validUntil ? (metadata.validUntil.getTime() - now.getTime()) / 2000 : Infinity
  return Math.max(60, Math.min(cached ?? MAX_METADATA_CACHE_SECONDS, MAX_METADATA_CACHE_SECONDS, halfway))
}

async function fetchMetadata (url: string, deps: { outbound: Pick<OutboundFetch, 'get'>, fetch?: MetadataFetchOptions }): Promise<string> {
  const options = {
    deadlineMs: deps.fetch?.timeoutMs ?? DEFAULT_FETCH.deadlineMs,
    maxBytes: deps.fetch?.maxBytes ?? DEFAULT_FETCH.maxBytes,
    headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
    followRedirects: true,
    ...(deps.fetch?.ca ? { ca: deps.fetch.ca } : {})
  }
  try {
    return await deps.outbound.get(url, options, (body) => body.toString('utf8'))
  } catch (error) {
    if (error instanceof OutboundFailed) throw new MetadataUnusable(`the metadata_url could not be read: ${error.reason}`, { cause: error })
    throw error
  }
}

/** Whether the metadata may still be used to verify logins. */
export function metadataValid (metadata: StoredSamlMetadata, now = new Date()): boolean {
  return metadata.valid_until === null || new Date(metadata.valid_until) > now
}

/** Whether it is time to read metadata_url again. */
export function metadataStale (metadata: StoredSamlMetadata, now = new Date()): boolean {
  return metadata.refresh_after !== null && new Date(metadata.refresh_after) <= now
}

/** A certificate as the registration's view shows it: its SHA-256 fingerprint and when it expires. */
export function certificateSummary (pem: string): { sha256: string, not_after: string } {
  const certificate = new X509Certificate(pem)
  return { sha256: certificate.fingerprint256.replaceAll(':', '').toLowerCase(), not_after: new Date(certificate.validTo).toISOString() }
}
