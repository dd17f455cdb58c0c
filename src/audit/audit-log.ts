import type { Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { AuditEventInput } from './audit-event.js'
import { GENESIS_HASH, hashedJson, type HashedEvent } from './audit-hash.js'

/** The chain of events with no organisation. */
export const PLATFORM_CHAIN = 'platform'

/** An organisation's events form the chain named by its number. */
export function chainOf (organisation: string | null): string {
  return organisation ?? PLATFORM_CHAIN
}

// Rows per insert statement: 11 parameters each stays far below PostgreSQL's 65 535.
const INSERT_BATCH = 1000

/**
 * Appends events to their chains within the caller's transaction, so an event commits or
 * rolls back with the change it records. Organisation events may be appended inside
 * `withTenant` for that organisation; platform events (organisation null) only outside it.
 * Chains are locked in sorted order, so transactions appending to several never deadlock.
 */
export async function appendAudit (trx: Transaction<Database>, events: readonly AuditEventInput[]): Promise<void> {
  const byChain = new Map<string, AuditEventInput[]>()
  for (const event of events) {
    const chain = chainOf(event.organisation)
    const list = byChain.get(chain)
    if (list) list.push(event)
    else byChain.set(chain, [event])
  }
  for (const chain of [...byChain.keys()].sort()) {
    await appendToChain(trx, chain, byChain.get(chain) ?? [])
  }
}

async function appendToChain (trx: Transaction<Database>, chain: string, events: AuditEventInput[]): Promise<void> {
  const organisation = chain === PLATFORM_CHAIN ? null : chain
  // Creates the chain on its first event; either way the no-op update locks the head row
  // until commit and returns it: one round trip, as often as tokens are issued.
  const head = await trx.insertInto('audit_chains')
    .values({ chain, organisation, seq: 0, head: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain').doUpdateSet({ chain: (eb) => eb.ref('excluded.chain') }))
    .returning(['seq', 'head'])
    .executeTakeFirstOrThrow()
  // Read the clock only once the chain is ours: events then never go back in time along a chain.
  const next = chainedEvents(chain, { seq: Number(head.seq), head: head.head }, events, new Date())
  const rows = next.events.map((event) => ({ ...event, at: new Date(event.at), actor: JSON.stringify(event.actor), details: JSON.stringify(event.details) }))
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await trx.insertInto('audit_events').values(rows.slice(i, i + INSERT_BATCH)).execute()
  }
  await trx.updateTable('audit_chains').set({ seq: next.head.seq, head: next.head.head }).where('chain', '=', chain).execute()
}

/** Where a chain ends: its last sequence number and the hash of the event that has it. */
export interface ChainPosition { seq: number, head: string }

/**
 * `events` as they follow `head` on `chain`: numbered, timed (`now` unless an event says
 * otherwise), linked and hashed; and the chain's head after them. Pure: the caller makes
 * sure `head` is the chain's head when the rows are written (appendAudit holds its lock;
 * the token ledger writes only if the head has not moved).
 */
export function chainedEvents (chain: string, head: ChainPosition, events: readonly AuditEventInput[], now: Date): { events: Array<HashedEvent & { hash: string }>, head: ChainPosition, json: string } {
  let seq = head.seq
  let prev = head.head
  const rows: string[] = []
  const chained = events.map((input) => {
    seq += 1
    const event = hashedEvent(chain, seq, input, now, prev)
    const hashed = hashedJson(event)
    prev = hashed.hash
    // The stored row: the canonical object, its closing brace moved after the hash.
    rows.push(`${hashed.json.slice(0, -1)},"hash":"${prev}"}`)
    return { ...event, hash: prev }
  })
  return { events: chained, head: { seq, head: prev }, json: `[${rows.join(',')}]` }
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
