import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { Logger } from '../log/logger.js'
import { outboxRepository } from '../outbox/outbox-repository.js'
import type { MappingService } from './service.js'

/** Works off every change of the outbox that is due (scheduled every minute, and at start-up). */
export const CHANGE_DRAIN_JOB = 'changes.drain'
export const CHANGE_DRAIN_SCHEDULE = '* * * * *'

/** A drain finds the next change due within this long and comes back for it then, rather than at the next scheduled tick. */
const FOLLOW_UP_WITHIN_MS = 60_000

export interface ChangePropagationDeps {
  db: Kysely<Database>
  mappings: Pick<MappingService, 'recomputeChange' | 'revokeChange'>
  log: Pick<Logger, 'error' | 'info'>
}

/**
 * Change propagation through the outbox (migration 0024): a sync run, an assignment or a
 * publish commits its change with an outbox row; the people it names are then recomputed
 * and the live tokens of what they lost revoked. The process that committed it does that
 * at once (`process`); a change whose process died, or whose attempt failed, is done by
 * whichever worker drains next (`drain`). Each stage is claimed, so no two workers do it at
 * once, and both are idempotent, so doing one again changes nothing.
 */
export function changePropagation (deps: ChangePropagationDeps) {
  let followUp: NodeJS.Timeout | undefined
  let closed = false

  /** Comes back when the next change falls due, if that is soon: a retry or a lapsed lease is not left for the next tick. */
  async function followUpDue (): Promise<void> {
    if (closed || followUp) return
    const ms = await outboxRepository(deps.db).nextDueInMs()
    if (ms === undefined || ms > FOLLOW_UP_WITHIN_MS) return
    followUp = setTimeout(() => {
      followUp = undefined
      drain().catch((err: unknown) => { deps.log.error({ err }, 'draining the change outbox failed') })
    }, Math.max(ms, 1_000))
    followUp.unref()
  }

  /** Every change due, oldest first; returns how many were taken. */
  async function drain (): Promise<number> {
    let taken = 0
    for (;;) {
      // A failed recompute is recorded on its change, which is then not due: go on to the next.
      const recomputed = await deps.mappings.recomputeChange().catch(() => 'failed' as const)
      if (recomputed === 'failed') { taken++; continue }
      const change = recomputed ?? await deps.mappings.revokeChange()
      if (change === undefined) break
      deps.log.info({ change: change.id, organisation: change.organisation, cause: change.cause, stage: change.stage, attempt: change.attempts + 1 }, recomputed ? 'change recomputed from the outbox' : 'change revoked from the outbox')
      taken++
    }
    if (taken > 0) deps.log.info({ changes: taken }, 'change outbox drained')
    await followUpDue()
    return taken
  }

  return {
    /**
     * Propagates one committed change now: its recompute (unless done), then its
     * revocations. Resolves true when nothing of it is left; false when a stage failed
     * and is left for a retry, which is logged; never throws, since the change committed.
     */
    async process (id: string): Promise<boolean> {
      try {
        // A change recomputed here had its revocations done with it; one found past its
        // recompute (a publish's, or one whose revocation failed before) is revoked now.
        if (await deps.mappings.recomputeChange(id) === undefined) await deps.mappings.revokeChange(id)
      } catch {
        // Recorded and logged by the mapping service; the drain tries it again.
      }
      const left = await outboxRepository(deps.db).has(id)
      if (left) await followUpDue()
      return !left
    },

    drain,

    close (): void {
      closed = true
      if (followUp) clearTimeout(followUp)
      followUp = undefined
    }
  }
}

export type ChangePropagation = ReturnType<typeof changePropagation>
