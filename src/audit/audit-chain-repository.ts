import { sql, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { GENESIS_HASH } from './audit-hash.js'

/** Where a chain ends: its last sequence number and the hash of the event that has it. */
export interface ChainPosition { seq: number, head: string }

/** Audit chains' heads (audit_chains) and their events, within the caller's transaction. */
export function auditChainRepository (trx: Transaction<Database>) {
  return {
    /**
     * Creates the chain on its first event; either way the no-op update locks the head row
     * until commit and returns it: one round trip, as often as tokens are issued.
     */
    async lockHead (chain: string, organisation: string | null): Promise<ChainPosition> {
      const head = await trx.insertInto('audit_chains')
        .values({ chain, organisation, seq: 0, head: GENESIS_HASH })
        .onConflict((oc) => oc.column('chain').doUpdateSet({ chain: (eb) => eb.ref('excluded.chain') }))
        .returning(['seq', 'head'])
        .executeTakeFirstOrThrow()
      return { seq: Number(head.seq), head: head.head }
    },
    /** Stores chained events, the JSON array behorig_insert_audit_events (migration 0011) takes. */
    async insertEvents (json: string): Promise<void> {
      await sql`select behorig_insert_audit_events(${json}::jsonb)`.execute(trx)
    },
    async moveHead (chain: string, head: ChainPosition): Promise<void> {
      await trx.updateTable('audit_chains').set({ seq: head.seq, head: head.head }).where('chain', '=', chain).execute()
    },
    /** The chain's head as this transaction sees it. */
    async head (chain: string): Promise<ChainPosition> {
      const row = await trx.selectFrom('audit_chains').select(['seq', 'head']).where('chain', '=', chain).executeTakeFirstOrThrow()
      return { seq: Number(row.seq), head: row.head }
    }
  }
}
