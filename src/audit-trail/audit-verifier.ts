import { compactVerify, importJWK, type JWK } from 'jose'
import { PLATFORM_CHAIN } from '../audit/audit-log.js'
import { eventHash, GENESIS_HASH } from '../audit/audit-hash.js'
import type { AuditRepository, ChainHead, StoredCheckpoint } from './repository.js'

/** Why verification stopped trusting a chain at `first_broken.seq` (docs/audit.md). */
export const BREAK_REASONS = [
  /** A sequence number is missing: an event was deleted or renumbered. */
  'missing-event',
  /** The event's content no longer hashes to its stored hash. */
  'hash-mismatch',
  /** The event's prev_hash is not the previous event's hash. */
  'broken-link',
  /** audit_chains records more events than the log holds: the tail was cut off. */
  'truncated',
  /** audit_chains records a different head than the last event. */
  'head-mismatch',
  /** The latest signed checkpoint names an event the log no longer holds as signed. */
  'checkpoint-mismatch',
  /** The latest checkpoint's signature does not verify with the key stored beside it. */
  'checkpoint-signature-invalid'
] as const
export type BreakReason = typeof BREAK_REASONS[number]

export interface ChainVerification {
  organisation: string | null
  chain: string
  /** Events read. */
  events: number
  ok: boolean
  /** The last event read: its sequence number and hash (0 and the genesis hash when none). */
  head: { seq: number, hash: string }
  /** The checkpoint the chain was checked against, when one covers it. */
  checkpoint?: { id: number, seq: number }
  first_broken?: { seq: number, reason: BreakReason }
}

type Break = NonNullable<ChainVerification['first_broken']>

const PAGE = 1000

/**
 * Recomputes a chain from its first event: every hash, every link, every sequence number,
 * then the head audit_chains records and the latest signed checkpoint. Reads page by page,
 * never the whole chain at once; reports the lowest sequence number that breaks.
 */
export async function verifyChain (audit: AuditRepository, chain: string): Promise<ChainVerification> {
  const stored = await audit.latestCheckpoint(chain)
  const checkpoint = stored ? await checkpointHead(stored, chain) : undefined
  let first: Break | undefined
  const note = (b: Break): void => { if (!first || b.seq < first.seq) first = b }
  let events = 0
  let last = { seq: 0, hash: GENESIS_HASH }
  let hashAtCheckpoint: string | undefined
  for (;;) {
    const rows = await audit.chainPage(chain, last.seq, PAGE)
    for (const row of rows) {
      const seq = Number(row.seq)
      events += 1
      if (!first) {
        if (seq !== last.seq + 1) note({ seq: last.seq + 1, reason: 'missing-event' })
        else if (row.prev_hash !== last.hash) note({ seq, reason: 'broken-link' })
        else if (eventHash({ ...row, seq, at: new Date(row.at).toISOString() }) !== row.hash) note({ seq, reason: 'hash-mismatch' })
      }
      if (checkpoint && seq === checkpoint.seq) hashAtCheckpoint = row.hash
      last = { seq, hash: row.hash }
    }
    if (rows.length < PAGE) break
  }
  const head = await audit.chainHead(chain)
  if (head) checkHead(head, last, note)
  if (checkpoint) {
    if (!checkpoint.signed) note({ seq: checkpoint.seq, reason: 'checkpoint-signature-invalid' })
    else if (checkpoint.seq > last.seq) note({ seq: last.seq + 1, reason: 'checkpoint-mismatch' })
    else if (hashAtCheckpoint !== checkpoint.hash) note({ seq: checkpoint.seq, reason: 'checkpoint-mismatch' })
  }
  return {
    organisation: chain === PLATFORM_CHAIN ? null : chain,
    chain,
    events,
    ok: first === undefined,
    head: last,
    ...(checkpoint ? { checkpoint: { id: checkpoint.id, seq: checkpoint.seq } } : {}),
    ...(first ? { first_broken: first } : {})
  }
}

function checkHead (head: ChainHead, last: { seq: number, hash: string }, note: (b: Break) => void): void {
  if (head.seq > last.seq) note({ seq: last.seq + 1, reason: 'truncated' })
  else if (head.seq < last.seq) note({ seq: head.seq + 1, reason: 'head-mismatch' })
  else if (head.hash !== last.hash) note({ seq: head.seq, reason: 'head-mismatch' })
}

/**
 * The chain's entry in the checkpoint as signed: read from the JWS payload, not from the
 * `chains` column beside it, so editing the column changes nothing.
 */
async function checkpointHead (stored: StoredCheckpoint, chain: string): Promise<{ id: number, seq: number, hash: string, signed: boolean }> {
  const listed = stored.chains.find((c) => c.chain === chain)
  const fallback = { id: Number(stored.id), seq: Number(listed?.seq ?? 0), hash: listed?.hash ?? '', signed: false }
  try {
    const jwk = stored.public_jwk as JWK
    const { payload, protectedHeader } = await compactVerify(stored.checkpoint, await importJWK(jwk, jwk.alg))
    if (protectedHeader.typ !== 'audit-checkpoint+jwt') return fallback
    const claims = JSON.parse(new TextDecoder().decode(payload)) as { chains?: ChainHead[] }
    const signed = claims.chains?.find((c) => c.chain === chain)
    return signed ? { id: Number(stored.id), seq: signed.seq, hash: signed.hash, signed: true } : fallback
  } catch {
    return fallback
  }
}
