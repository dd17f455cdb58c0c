import type { AuditActor } from '../audit/audit-event.js'
import { RunNotAwaitingApproval, UnknownSyncRun } from './errors.js'
import type { recordedRuns } from './run-audit.js'
import type { RunRepository, SyncRun } from './run-repository.js'
import type { StagingRepository } from './staging-repository.js'

export interface RunDecisionDeps {
  runs: RunRepository
  recorded: ReturnType<typeof recordedRuns>
  staging: StagingRepository
  /** Queues the approved run again under its own job id. */
  requeue (runId: string, jobId: string): Promise<void>
}

/** A steward's answer to a run held by its safety threshold: apply it after all, or drop it. */
export function runDecisions ({ runs, recorded, staging, requeue }: RunDecisionDeps) {
  async function existingRun (organisation: string, runId: string): Promise<void> {
    if (!await runs.find(organisation, runId)) throw UnknownSyncRun(`No run ${runId}`)
  }

  /** A decision that found no run awaiting it says why. */
  async function decided (organisation: string, runId: string, run: SyncRun | undefined): Promise<SyncRun> {
    if (run) return run
    const existing = await runs.find(organisation, runId)
    if (!existing) throw UnknownSyncRun(`No run ${runId}`)
    throw RunNotAwaitingApproval({ detail: `Run ${runId} is ${existing.state}`, extensions: { state: existing.state } })
  }

  return {
    async approve (organisation: string, runId: string, who: string, actor: AuditActor): Promise<SyncRun> {
      await existingRun(organisation, runId)
      const run = await recorded.decide('approved', actor, runId, ['awaiting-approval'], 'queued', { decided_by: who, decided: true })
      if (run) await requeue(run.id, `${run.id}:approved`)
      return decided(organisation, runId, run)
    },

    async reject (organisation: string, runId: string, who: string, actor: AuditActor): Promise<SyncRun> {
      await existingRun(organisation, runId)
      const run = await recorded.decide('rejected', actor, runId, ['awaiting-approval'], 'rejected', { decided_by: who, decided: true, finished: true })
      if (run) await staging.clear(run.id)
      return decided(organisation, runId, run)
    }
  }
}
