import type { Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { auditChainRepository, type ChainPosition } from './audit-chain-repository.js'
import type { AuditEventInput } from './audit-event.js'
import { hashedJson, type HashedEvent } from './audit-hash.js'
import { durationChannel, startTimer } from '../metrics/duration.js'

/** How long each appendAudit took, chain locks included: every app's metrics in this process subscribe. */
export const auditAppendDurations = durationChannel()

/** The chain of events with no organisation. */
export const PLATFORM_CHAIN = 'platform'

/** An organisation's events form the chain named by its number. */
export function chainOf (organisation: string | null): string {
  return organisation ?? PLATFORM_CHAIN
}

/**
 * Appends events to their chains within the caller's transaction, so an event commits or
 * rolls back with the change it records. Organisation events may be appended inside
 * `withTenant` for that organisation; platform events (organisation null) only outside it.
 * Chains are locked in sorted order, so transactions appending to several never deadlock.
 */
export async function appendAudit (trx: Transaction<Database>, events: readonly AuditEventInput[]): Promise<void> {
  const elapsed = startTimer()
  const byChain = groupByChain(events, (event) => event.organisation)
  for (const chain of [...byChain.keys()].sort()) {
    await appendToChain(trx, chain, byChain.get(chain) ?? [])
  }
  auditAppendDurations.observe(elapsed())
}

/** Items by the chain their organisation's events go on. */
export function groupByChain<T> (items: readonly T[], organisationOf: (item: T) => string | null): Map<string, T[]> {
  const byChain = new Map<string, T[]>()
  for (const item of items) {
    const chain = chainOf(organisationOf(item))
    const list = byChain.get(chain)
    if (list) list.push(item)
    else byChain.set(chain, [item])
  }
  return byChain
}

async function appendToChain (trx: Transaction<Database>, chain: string, events: AuditEventInput[]): Promise<void> {
  const chains = auditChainRepository(trx)
  const head = await chains.lockHead(chain, chain === PLATFORM_CHAIN ? null : chain)
  // Read the clock only once the chain is ours: events then never go back in time along a chain.
  const next = chainedEvents(chain, head, events, new Date())
  await chains.insertEvents(next.json)
  await chains.moveHead(chain, next.head)
}

/**
 * `events` as they follow `head` on `chain`: numbered, timed (`now` unless an event says
 * otherwise), linked and hashed, as the JSON array behorig_insert_audit_events (migration
 * 0011) stores; and the chain's head after them. Pure: the caller makes
 * sure `head` is the chain's head when the rows are written (appendAudit holds its lock;
 * the token ledger writes only if the head has not moved).
 */
export function chainedEvents (chain: string, head: ChainPosition, events: readonly AuditEventInput[], now: Date): { head: ChainPosition, json: string } {
  let seq = head.seq
  let prev = head.head
  const rows = events.map((input) => {
    seq += 1
    const hashed = hashedJson(hashedEvent(chain, seq, input, now, prev))
    prev = hashed.hash
    // The stored row: the canonical object, its closing brace moved after the hash.
    return `${hashed.json.slice(0, -1)},"hash":"${prev}"}`
  })
  return { head: { seq, head: prev }, json: `[${rows.join(',')}]` }
}

function hashedEvent (chain: string, seq: number, input: AuditEventInput, now: Date, prevHash: string): HashedEvent {
  return {
    chain,
    seq,
    at: (input.at ?? now).toISOString(),
    organisation: input.organisation,
    action: input.action,
    // Hashed as they are: canonicalJson reads values as JSON.stringify does, so the hash is
    // the one of what jsonb stores and gives back (test/audit/audit-log.test.ts checks it).
    actor: input.actor,
    person_id: input.person_id ?? null,
    client_id: input.client_id ?? null,
    details: input.details,
    prev_hash: prevHash
  }
}
