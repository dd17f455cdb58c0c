import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import { auditChainRepository, type ChainPosition } from '../audit/audit-chain-repository.js'
import type { AuditEventInput } from '../audit/audit-event.js'
import { appendAudit, chainedEvents, groupByChain } from '../audit/audit-log.js'
import type { IssuedTokenRecord } from './attribute-token-repository.js'
import { issuanceLedgerRepository } from './issuance-ledger-repository.js'
import { evaluationDay } from '../mapping/evaluation-day.js'

export interface IssuanceLedger {
  /**
   * Records an issued token with its audit event, and resolves once both are committed —
   * the token must not leave before then — with whether the person still holds every
   * attribute it carries, read after the commit (see attribute-token-service).
   */
  record (token: IssuedTokenRecord, audit: AuditEventInput): Promise<{ stillHeld: boolean }>
  /** Waits for what is being written. */
  drain (): Promise<void>
}

interface Pending {
  token: IssuedTokenRecord
  audit: AuditEventInput
  resolve: (held: { stillHeld: boolean }) => void
  reject: (error: unknown) => void
}

/**
 * Group commit for token issuance. Tokens asked for while a batch is being written wait
 * for the next one, which writes all of them — token rows and audit events — at once, then
 * reads back in one statement what their people still hold. Nothing is acknowledged before
 * it is committed, so a crash loses only tokens nobody received.
 *
 * Audit chains are appended optimistically: the ledger remembers the head it last wrote to
 * each chain and hashes the batch's events onto it in memory; for each chain, one statement
 * then moves the head only if it is still that one, and inserts the tokens and events only
 * if it moved. If another writer appended in between (an admin change, another process),
 * nothing is written and that share of the batch goes the locking way (appendAudit), which
 * also tells the ledger the new head. So in the steady state a batch costs two round trips, audit included, and
 * only the first is one batch at a time (a second writer would only contend for the chains).
 */
export function issuanceLedger (db: Kysely<Database>, options: { maxBatch?: number, audit?: boolean, today?: () => string } = {}): IssuanceLedger {
  const maxBatch = options.maxBatch ?? 512
  const audit = options.audit ?? true
  const today = options.today ?? (() => evaluationDay(new Date()))
  const ledger = issuanceLedgerRepository(db)
  /** The head this process last wrote to each chain: a guess, checked by the statement that relies on it. */
  const heads = new Map<string, ChainPosition>()
  let pending: Pending[] = []
  let writing: Promise<void> | undefined
  const settling = new Set<Promise<void>>()

  async function commit (batch: Pending[]): Promise<void> {
    if (!audit) {
      await ledger.insertTokens(batch.map((p) => p.token))
      return
    }
    // A token's event goes on its organisation's chain: each chain's share is written on its
    // own, so one whose head moved does not hold back the others.
    await Promise.all([...groupByChain(batch, (p) => p.audit.organisation)].map(async ([chain, share]) => {
      const tokens = share.map((p) => p.token)
      const events = share.map((p) => p.audit)
      if (await appendIfHeadUnmoved(chain, tokens, events)) return
      await db.transaction().execute(async (trx) => {
        await issuanceLedgerRepository(trx).insertTokens(tokens)
        await appendAudit(trx, events)
        // Still locked by this transaction: the head it leaves behind.
        heads.set(chain, await auditChainRepository(trx).head(chain))
      })
    }))
  }

  /** The steady state: one statement, written only if the chain has not moved since this process last wrote it. */
  async function appendIfHeadUnmoved (chain: string, tokens: IssuedTokenRecord[], events: AuditEventInput[]): Promise<boolean> {
    const head = heads.get(chain)
    if (!head) return false
    heads.delete(chain)
    const next = chainedEvents(chain, head, events, new Date())
    if (!await ledger.recordIfHeadUnmoved(chain, head, next.head, next.json, tokens)) return false
    heads.set(chain, next.head)
    return true
  }

  /** Answers a batch once it is committed, from what its people hold after the commit. */
  async function settle (batch: Pending[], committed: Promise<void>): Promise<void> {
    let held: Set<string>
    try {
      await committed
      held = await heldNow(batch.map((p) => p.token))
    } catch (error) {
      for (const p of batch) p.reject(error)
      return
    }
    for (const p of batch) {
      p.resolve({ stillHeld: p.token.attributes.every((a) => held.has(heldKey(p.token, a.id, a.unit))) })
    }
  }

  /** Every attribute the batch's people hold now that their tokens' approvals let through, as heldKey strings. */
  async function heldNow (tokens: readonly IssuedTokenRecord[]): Promise<Set<string>> {
    const asked = [...new Map(tokens.map((t) => [heldKey(t, '', null), t])).values()]
    const rows = await ledger.heldFor(asked, today())
    return new Set(rows.map((r) => heldKey(r, r.attribute_id, r.unit_id)))
  }

  // Only commits are one at a time: the next batch is written while the last one's people
  // are read back.
  function kick (): void {
    if (writing || pending.length === 0) return
    const batch = pending.slice(0, maxBatch)
    pending = pending.slice(maxBatch)
    const committed = commit(batch)
    writing = committed.then(() => {}, () => {}).finally(() => { writing = undefined; kick() })
    const settled = settle(batch, committed).finally(() => settling.delete(settled))
    settling.add(settled)
  }

  return {
    record (token, auditEvent) {
      return new Promise((resolve, reject) => {
        pending.push({ token, audit: auditEvent, resolve, reject })
        kick()
      })
    },
    async drain () {
      // eslint-disable-next-line no-unmodified-loop-condition -- kick() sets and clears `writing` while this waits
      while (writing || settling.size > 0) await Promise.all([writing, ...settling])
    }
  }
}

const heldKey = (asked: { organisation: string, person_id: string, client_id: string, purpose?: string | null }, attribute: string, unit: string | null): string =>
  `${asked.organisation}\0${asked.person_id}\0${asked.client_id}\0${asked.purpose ?? ''}\0${attribute}\0${unit ?? ''}`
