import type { ErrorObject } from 'ajv'
import type { ProblemFieldError } from '../http/problem.js'
import { distinctErrors, errorPointer } from '../http/schema-errors.js'
import { SourceConfigInvalid } from './errors.js'
import type { SourceKind } from './source-connector.js'
import { sourceValidator } from './source-schemas.js'
import { parseLdapSourceConfig, type LdapSourceConfig } from '../directory/ldap-source-config.js'
import { plaintextProblem, usesTls } from '../directory/ldap-transport.js'
import type { OutboundPolicy } from '../net/outbound-policy.js'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../http/json-depth.js'
import { cronProblem } from '../config/cron-schedule.js'

/** A source config as schemas/source.schema.json describes it, with its defaults filled in. */
export interface SourceConfig {
  id: string
  kind: SourceKind
  schedule: string | null
  safety: { max_end_percent: number }
  config: Record<string, unknown>
}

export type SourceConfigResult =
  | { ok: true, source: SourceConfig }
  | { ok: false, errors: ProblemFieldError[] }

/**
 * Validates a source config document (schemas/source.schema.json and the kind's
 * source-*.schema.json) and its cron schedule. The input is not modified; on success the
 * result is a copy with the schemas' defaults filled in.
 */
export function validateSourceConfig (document: unknown): SourceConfigResult {
  if (nestsDeeperThan(document)) return { ok: false, errors: [{ pointer: '', detail: `nests deeper than ${MAX_JSON_DEPTH} levels` }] }
  const copy = structuredClone(document)
  // ajv applies `if`/`then` before it fills the envelope's defaults, so the per-kind
  // config defaults and rules would miss an absent config: fill it in first.
  if (isObject(copy) && copy.config === undefined && copy.kind !== 'ldap') copy.config = {}
  const validate = sourceValidator('source.schema.json')
  const errors = validate(copy) ? [] : schemaErrors(validate.errors ?? [])
  const schedule = (copy as { schedule?: unknown } | null)?.schedule
  if (typeof schedule === 'string' && !errors.some((e) => e.pointer === '/schedule')) {
    const problem = cronProblem(schedule)
    if (problem) errors.push({ pointer: '/schedule', detail: problem })
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, source: copy as SourceConfig }
}

const NO_EXCEPTIONS: Pick<OutboundPolicy, 'excepts'> = { excepts: () => false }

/**
 * `validateSourceConfig`, throwing `source-config-invalid` (422) with the pointers. An ldap
 * source must use TLS (ldaps:// or start_tls) unless `outbound`'s exception list names its
 * host; without `outbound`, nothing is excepted.
 */
export function parseSourceConfig (document: unknown, outbound: Pick<OutboundPolicy, 'excepts'> = NO_EXCEPTIONS): SourceConfig {
  const result = validateSourceConfig(document)
  if (!result.ok) throw SourceConfigInvalid({ detail: result.errors.map((e) => `${e.pointer || '/'} ${e.detail}`).join('; '), errors: result.errors })
  if (result.source.kind !== 'ldap') return result.source
  // What the schema cannot say: each LDAP filter is one well-formed RFC 4515 filter, and no plain text.
  const ldap = parseLdapSourceConfig(result.source.config)
  const plaintext = plaintextProblem(ldap, outbound)
  if (plaintext) throw SourceConfigInvalid({ detail: `${plaintext.pointer} ${plaintext.detail}`, errors: [plaintext] })
  return withTruthfulTls(result.source)
}

/**
 * `tls_verify: true` says the server's certificate is checked; a plain ldap:// source (one
 * the exception list allows) has no TLS and no certificate, so it does not carry the member.
 */
export function withTruthfulTls (source: SourceConfig): SourceConfig {
  if (source.kind !== 'ldap' || !('tls_verify' in source.config) || usesTls(source.config as Pick<LdapSourceConfig, 'url' | 'start_tls'>)) return source
  const { tls_verify: _shownButUntrue, ...config } = source.config
  return { ...source, config }
}

function schemaErrors (ajvErrors: ErrorObject[]): ProblemFieldError[] {
  return distinctErrors(ajvErrors
    .filter((error) => error.keyword !== 'if') // its `then` errors say what is wrong
    .map((error) => ({ pointer: errorPointer(error), detail: detailOf(error, error.params as Record<string, unknown>) })))
}

function detailOf (error: ErrorObject, params: Record<string, unknown>): string {
  switch (error.keyword) {
    case 'required': return 'is required'
    case 'additionalProperties': return 'is not a known setting'
    case 'enum': return `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`
    case 'const': return error.instancePath.endsWith('/start_tls') ? 'cannot be true with an ldaps:// url (it is TLS already)' : `must be ${JSON.stringify(params.allowedValue)}`
    case 'type': return params.type === 'null' && error.instancePath === '/schedule' ? 'must be null: a scim source is pushed to, not pulled' : `must be ${String(params.type).replace(',', ' or ')}`
    case 'pattern': return patternHint(error.instancePath) ?? `must match ${String(params.pattern)}`
    default: return error.message ?? 'is not valid'
  }
}

function patternHint (pointer: string): string | undefined {
  if (pointer === '/id') return 'must be lower-case letters, digits and hyphens, starting with a letter or digit, at most 63 characters'
  if (pointer === '/config/url') return 'must be an https:// URL (hr) or an ldap:// or ldaps:// URL (ldap)'
  if (pointer.endsWith('_filter')) return 'must be an LDAP filter in parentheses, e.g. (objectClass=inetOrgPerson)'
  if (pointer === '/config/ca_pem') return 'must hold a PEM certificate (-----BEGIN CERTIFICATE-----)'
  return undefined
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
