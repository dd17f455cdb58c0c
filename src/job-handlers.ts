import type { SyncEngine } from './sync/sync-engine.js'
import { SYNC_RUN_JOB } from './sync/sync-engine.js'
import { ABANDONED_UPLOADS_JOB } from './sync/upload-janitor.js'
import { SCHEDULED_SYNC_JOB } from './sources/service.js'
import { checkHandlers, type JobHandlers } from './jobs/job-queue.js'
import { KEY_ROTATION_JOB, type KeyService } from './keys/service.js'
import { AUDIT_CHECKPOINT_JOB } from './audit-trail/audit-checkpoint.js'
import { ATTRIBUTE_DAY_JOB, ATTRIBUTE_DAY_TICK_JOB, type DayRuns } from './mapping/day-run.js'
import { CHANGE_DRAIN_JOB, type ChangePropagation } from './mapping/change-propagation.js'

export const JOB_NAMES = [SYNC_RUN_JOB, SCHEDULED_SYNC_JOB, KEY_ROTATION_JOB, AUDIT_CHECKPOINT_JOB, ABANDONED_UPLOADS_JOB, ATTRIBUTE_DAY_TICK_JOB, ATTRIBUTE_DAY_JOB, CHANGE_DRAIN_JOB] as const

/** Every job by name. Start-up fails if a name has no handler or a handler no name. */
export function jobHandlers (deps: { engine: SyncEngine, keys: Pick<KeyService, 'rotate'>, federationKeys?: Pick<KeyService, 'rotate'>, auditCheckpoint: () => Promise<unknown>, dayRuns: Pick<DayRuns, 'tick' | 'run'>, changes: Pick<ChangePropagation, 'drain'> }): JobHandlers {
  const handlers: JobHandlers = {
    [SYNC_RUN_JOB]: async (payload, attempt) => deps.engine.process(String(payload['run_id']), attempt),
    [SCHEDULED_SYNC_JOB]: async (payload) => { await deps.engine.startPull(String(payload['organisation']), String(payload['source']), 'schedule') },
    // One job for both key sets: each rotates by its own state, under the one rotation lock.
    [KEY_ROTATION_JOB]: async () => { await deps.keys.rotate(); await deps.federationKeys?.rotate() },
    [AUDIT_CHECKPOINT_JOB]: async () => { await deps.auditCheckpoint() },
    [ABANDONED_UPLOADS_JOB]: async () => { await deps.engine.failAbandonedUploads() },
    [ATTRIBUTE_DAY_TICK_JOB]: async () => { await deps.dayRuns.tick() },
    [ATTRIBUTE_DAY_JOB]: async (payload) => { await deps.dayRuns.run(String(payload['organisation'])) },
    [CHANGE_DRAIN_JOB]: async () => { await deps.changes.drain() }
  }
  checkHandlers(JOB_NAMES, handlers)
  return handlers
}
