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
  return canonical(value) ?? 'null'
}

/**
 * Values as JSON.stringify sees them — `toJSON` first (a Date is its ISO string), and
 * undefined, functions and symbols left out of objects and null in arrays — so hashing a
 * value directly gives what hashing it after a trip through JSON (and jsonb) gives.
 * Undefined for what JSON.stringify leaves out.
 */
function canonical (input: unknown): string | undefined {
  const value = input !== null && typeof input === 'object' && typeof (input as { toJSON?: unknown }).toJSON === 'function'
    ? (input as { toJSON: () => unknown }).toJSON()
    : input
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : JSON.stringify(value)
  }
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (canonical(value[i]) ?? 'null')
    return out + ']'
  }
  const keys = Object.keys(value).sort()
  let out = '{'
  for (const key of keys) {
    const member = canonical((value as Record<string, unknown>)[key])
    if (member === undefined) continue
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + member
  }
  return out + '}'
}

/** SHA-256, lower-case hex, over the UTF-8 canonical JSON of the hashed fields. */
export function eventHash (event: HashedEvent): string {
  return hashedJson(event).hash
}

/**
 * The event's canonical JSON and its hash; with `"hash"` added, the canonical JSON is also
 * a stored row (the token ledger hands it to PostgreSQL as is, serialising nothing twice).
 */
export function hashedJson (event: HashedEvent): { json: string, hash: string } {
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
  const json = canonicalJson(fields)
  return { json, hash: createHash('sha256').update(json, 'utf8').digest('hex') }
}
