import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { Logger } from '../log/logger.js'
import { outboxRepository, type ChangeCause, type OutboxChange } from '../outbox/outbox-repository.js'
import type { AttributeEvents, AttributesRevoked } from './attribute-events.js'

/** How long a failed attempt waits before the next: 5 s doubling, at most 15 minutes. */
export function retryDelayMs (attempts: number): number {
  return Math.min(5_000 * 2 ** Math.min(attempts, 20), 15 * 60_000)
}

export interface ChangeStageDeps {
  db: Kysely<Database>
  events: AttributeEvents
  log: Pick<Logger, 'error'>
}

/**
 * The change outbox's bookkeeping for the mapping capability: what a recompute took away
 * is committed with it, as a change at its revoke stage, and revoked after the commit by
 * emitting it to the revocation subscribers. A failure is recorded on the change, which
 * any worker tries again when it is due (change-propagation.ts).
 */
export function changeStages (deps: ChangeStageDeps) {
  return {
    /**
     * In the recompute's transaction: the revocations it owes. `change`, the outbox change
     * being recomputed, moves to its revoke stage (or goes, when nothing was lost); without
     * one, a change is added when anything was. Returns the change to revoke after the commit.
     */
    async owe (trx: Transaction<Database>, target: { organisation: string, cause: ChangeCause, change?: string }, out: readonly AttributesRevoked[]): Promise<string | undefined> {
      const lost = out.filter((r) => r.revoked.length > 0)
      const outbox = outboxRepository(trx)
      if (target.change !== undefined) {
        if (lost.length === 0) {
          await outbox.done(target.change)
          return undefined
        }
        await outbox.recomputed(target.change, lost)
        return target.change
      }
      if (lost.length === 0) return undefined
      return outbox.add({ organisation: target.organisation, cause: target.cause, stage: 'revoke', revocations: lost })
    },

    /**
     * Revokes what a change took away (the given one, or the oldest due): each domain's
     * revocations emitted in turn; the change goes once every subscriber took all of them.
     * Returns the change, or undefined when none was free to take. Never throws for a
     * subscriber's failure: that is recorded for a retry.
     */
    async revoke (id?: string): Promise<OutboxChange | undefined> {
      const outbox = outboxRepository(deps.db)
      const change = await outbox.claimForRevoke(id)
      if (!change) return undefined
      let succeeded = true
      for (const event of change.revocations as AttributesRevoked[]) succeeded = await deps.events.emit(event, deps.log) && succeeded
      if (succeeded) await outbox.done(change.id)
      else await outbox.failed(change.id, 'a revocation subscriber failed', retryDelayMs(change.attempts))
      return change
    },

    /** Records a failed recompute of `change`: its transaction rolled back, so the change is still owed. */
    async failed (change: OutboxChange, err: unknown): Promise<void> {
      deps.log.error({ err, change: change.id, organisation: change.organisation, cause: change.cause.kind, attempt: change.attempts + 1 }, 'recomputing a change failed; it is tried again')
      await outboxRepository(deps.db).failed(change.id, err instanceof Error ? err.message : String(err), retryDelayMs(change.attempts))
    }
  }
}

export type ChangeStages = ReturnType<typeof changeStages>
