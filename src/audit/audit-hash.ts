import { createHash } from 'node:crypto'
import { canonicalJson } from '../crypto/canonical-json.js'

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
 * SHA-256, lower-case hex, over the UTF-8 canonical JSON (RFC 8785) of the hashed fields.
 * PostgreSQL's jsonb reorders keys; hashing the canonical form lets anyone reproduce the
 * hash from the stored values.
 */
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
