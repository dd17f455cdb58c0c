import type { SourceKind } from './source-connector.js'
import type { SourceConfig } from './source-config.js'

/**
 * The members of each kind's `config` that are secrets: the store encrypts them (with
 * BEHORIG_KEY_ENCRYPTION_KEY) apart from the rest, and the API never returns them. The
 * schemas mark the same members `writeOnly`; a test keeps the two in step.
 */
export const SECRET_FIELDS: Readonly<Record<SourceKind, readonly string[]>> = {
  hr: ['bearer_token', 'headers'],
  scim: [],
  ldap: ['bind_password']
}

export interface SplitSource {
  /** The source without its secrets: safe to store in clear and to return. */
  publicConfig: SourceConfig
  /** The secret members that were set, by name; encrypt as one document. */
  secrets: Record<string, unknown>
}

/** Separates a source's secrets from the rest, for storage. */
export function splitSecrets (source: SourceConfig): SplitSource {
  const config: Record<string, unknown> = {}
  const secrets: Record<string, unknown> = {}
  const secretNames = SECRET_FIELDS[source.kind]
  for (const [name, value] of Object.entries(source.config)) {
    if (secretNames.includes(name)) secrets[name] = value
    else config[name] = value
  }
  return { publicConfig: { ...source, config }, secrets }
}

/** Puts decrypted secrets back, for a connector about to run. */
export function mergeSecrets (publicConfig: SourceConfig, secrets: Record<string, unknown>): SourceConfig {
  const allowed = SECRET_FIELDS[publicConfig.kind]
  const known = Object.fromEntries(Object.entries(secrets).filter(([name]) => allowed.includes(name)))
  return { ...publicConfig, config: { ...publicConfig.config, ...known } }
}

/**
 * The source as the API shows it: secret members are omitted, not masked, so a client
 * that sends a shown config back cannot store "***" as a password (an update that omits
 * a secret keeps the stored one: `mergeSecrets`).
 */
export function redactSecrets (source: SourceConfig): SourceConfig {
  return splitSecrets(source).publicConfig
}

/** Which secret members have a value, so an admin can see that a password is configured without seeing it. */
export function configuredSecrets (source: SourceConfig): string[] {
  return Object.keys(splitSecrets(source).secrets).sort()
}
