import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { sourceRepository } from '../sources/repository.js'
import { outboxRepository } from '../outbox/outbox-repository.js'
import { applyRepository, type EmploymentDiff, type RunScope } from './apply-repository.js'
import type { SourceApplier } from './appliers/index.js'
import type { StageCounts } from './stage-items.js'
import { runRepository, type SyncRun } from './run-repository.js'
import type { recordedRuns } from './run-audit.js'
import { tripsSafety } from './safety-threshold.js'

export interface StagedRunSource { applier: SourceApplier, maxEndPercent: number }
type Read = Pick<StageCounts, 'read' | 'quarantined'>

/**
 * Diffs a staged run and, unless the safety threshold trips, applies it: one transaction,
 * one run of a source at a time. An applied run commits with its change in the change
 * outbox (`change`), which its people's recompute works off. Undefined when another worker
 * finished the run first.
 */
export async function applyStagedRun (db: Kysely<Database>, recorded: ReturnType<typeof recordedRuns>, run: SyncRun, source: StagedRunSource, read: Read): Promise<{ run: SyncRun | undefined, change?: string } | undefined> {
  const scope: RunScope = { organisation: run.organisation, source: run.source, runId: run.id }
  return db.transaction().execute(async (trx) => {
    const current = await claimRun(trx, scope)
    if (current?.state !== 'running') return undefined
    const full = current.mode !== 'incremental'
    const diff = await countChanges(trx, source.applier, scope, full)
    const counts = { ...read, created: diff.created, updated: diff.updated, ended: diff.ended, unchanged: diff.unchanged }
    if (!current.decided_by && tripsSafety(diff, source.maxEndPercent, full)) {
      return {
        run: await recorded.finish(trx, run.id, ['running'], 'awaiting-approval', {
          error: null,
          counts: { ...counts, active_before: diff.active_before, max_end_percent: source.maxEndPercent }
        })
      }
    }
    await keepSourceState(trx, current)
    const applied = await source.applier.apply({ trx, scope, full, diff })
    const finished = await recorded.finish(trx, run.id, ['running'], 'succeeded', {
      counts: { ...counts, ...applied.counts },
      ...(applied.unmatched ? { unmatched: applied.unmatched } : {}),
      error: null,
      finished: true
    })
    return { run: finished, change: await recordRunChange(trx, run) }
  })
}

/** The applied run's change set as a change owed to its people (and, even when it changed no one, to those the calendar moved). */
export async function recordRunChange (trx: Transaction<Database>, run: Pick<SyncRun, 'id' | 'organisation'>): Promise<string> {
  return outboxRepository(trx).add({ organisation: run.organisation, cause: { kind: 'sync', run_id: run.id }, stage: 'recompute' })
}

/** Waits for the source's other runs, then reads the run as it now is. */
async function claimRun (trx: Transaction<Database>, scope: RunScope): Promise<SyncRun | undefined> {
  await applyRepository(trx).lockSource(scope)
  return runRepository(trx).findById(scope.runId)
}

async function countChanges (trx: Transaction<Database>, applier: SourceApplier, scope: RunScope, full: boolean): Promise<EmploymentDiff> {
  const diff = await applier.diff(trx, scope)
  // An incremental run reads only what changed: what it did not read has not ended.
  if (!full) diff.ended = 0
  return diff
}

/** The connector's mark (e.g. a directory's change counter) is kept only with the run it fed. */
async function keepSourceState (trx: Transaction<Database>, run: SyncRun): Promise<void> {
  if (run.next_state) await sourceRepository(trx).saveState(run.organisation, run.source, run.next_state)
}
