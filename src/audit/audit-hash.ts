import { createHash } from 'node:crypto'

/** Genesis: the `prev_hash` of every chain's first event. */
export const GENESIS_HASH = '0'.repeat(64)

/** Exactly the fields an event's hash covers (docs/audit.md). */
export interface HashedEvent {
  chain: string
  seq: number
  /** ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
  at: string
  organisation: string | null
  action: string
  actor: unknown
  person_id: string | null
  client_id: string | null
  details: unknown
  prev_hash: string
}

/**
 * JSON Canonicalization Scheme (RFC 8785) for the JSON values a jsonb column gives back:
 * object keys sorted by UTF-16 code units, no whitespace, strings and numbers as
 * ECMAScript serialises them. PostgreSQL's jsonb reorders keys; hashing this form lets
 * anyone reproduce the hash from the stored values.
 */
export function canonicalJson (value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** SHA-256, lower-case hex, over the UTF-8 canonical JSON of the hashed fields. */
export function eventHash (event: HashedEvent): string {
  const fields: HashedEvent = {
    chain: event.chain,
    seq: event.seq,
    at: event.at,
    organisation: event.organisation,
    action: event.action,
    actor: event.actor,
    person_id: event.person_id,
    client_id: event.client_id,
    details: event.details,
    prev_hash: event.prev_hash
  }
  return createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex')
}
