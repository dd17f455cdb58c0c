import { contentHash } from '../catalog/catalog-hash.js'
import { canonicalJson } from '../crypto/canonical-json.js'
import type { SourceConfig } from './source-config.js'

/**
 * Who can receive a source's secrets: the server (scheme, host, port), what protects the
 * connection (StartTLS, the trusted CA) and, for a directory, the account the password
 * belongs to. A stored secret is bound to the destination it was sent for; a new
 * destination needs the secret sent again, so write access to a source's config is not
 * a way to read its secrets.
 */
export type SecretDestination = Record<string, string | number | boolean | null>

/** The sealed form: the secrets and the destination they were given for. */
interface BoundSecrets { destination: SecretDestination, secrets: Record<string, unknown> }

const DEFAULT_PORTS: Readonly<Record<string, number>> = { https: 443, ldap: 389, ldaps: 636 }

export function secretDestination (source: SourceConfig): SecretDestination {
  const config = source.config
  const url = typeof config.url === 'string' ? config.url : undefined
  const ca = typeof config.ca_pem === 'string' ? contentHash(config.ca_pem) : null
  if (source.kind === 'ldap') {
    return { ...endpoint(url), start_tls: config.start_tls === true, ca, bind_dn: typeof config.bind_dn === 'string' ? config.bind_dn : null }
  }
  return { ...endpoint(url), ca }
}

export function sameDestination (a: SecretDestination, b: SecretDestination): boolean {
  return canonicalJson(a) === canonicalJson(b)
}

/** What to seal: the secrets with the destination of `source`. */
export function bindSecrets (source: SourceConfig, secrets: Record<string, unknown>): string {
  return JSON.stringify({ destination: secretDestination(source), secrets } satisfies BoundSecrets)
}

/**
 * The opened secrets that may go where `source` now points: all of them when their
 * destination is its destination, none otherwise. The service clears secrets when the
 * destination changes; this check holds even if the stored config changed some other way.
 */
export function usableSecrets (source: SourceConfig, opened: unknown): Record<string, unknown> {
  // Sealed before secrets were bound (a plain object of secret members): bound to the
  // config stored beside them, and rebound at the source's next update.
  const bound: BoundSecrets = isBound(opened) ? opened : { destination: secretDestination(source), secrets: opened as Record<string, unknown> }
  return sameDestination(bound.destination, secretDestination(source)) ? bound.secrets : {}
}

function endpoint (url: string | undefined): SecretDestination {
  if (url === undefined) return { scheme: null, host: null, port: null }
  const parsed = new URL(url)
  const scheme = parsed.protocol.slice(0, -1).toLowerCase()
  // ldap: is not a WHATWG special scheme, so its host keeps its case and its default port.
  const host = parsed.hostname.toLowerCase()
  return { scheme, host, port: parsed.port ? Number(parsed.port) : DEFAULT_PORTS[scheme] ?? null }
}

function isBound (value: unknown): value is BoundSecrets {
  return typeof value === 'object' && value !== null && 'destination' in value && 'secrets' in value
}
