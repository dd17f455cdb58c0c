import type { SyncRun } from './run-repository.js'
import { UploadInterrupted } from './errors.js'
import type { Logger } from '../log/logger.js'

export const ABANDONED_UPLOADS_JOB = 'abandoned-uploads'
/** Every minute; also once at start-up (app.ts). */
export const ABANDONED_UPLOADS_SCHEDULE = '* * * * *'
const BATCH = 100

interface JanitorDeps {
  abandonedUploads (limit: number): Promise<SyncRun[]>
  fail (run: SyncRun, err: unknown): Promise<void>
  log: Pick<Logger, 'info'>
}

/**
 * Fails the runs of uploads nobody receives any more (the process was killed or crashed
 * mid-upload: its lease ran out) and removes what they staged. A live upload renews its
 * lease, so a janitor in any process never takes another process's upload.
 */
export async function failAbandonedUploads (deps: JanitorDeps): Promise<number> {
  let failed = 0
  for (;;) {
    const runs = await deps.abandonedUploads(BATCH)
    for (const run of runs) {
      await deps.fail(run, UploadInterrupted('The upload stopped before the snapshot was read (the server receiving it stopped). Nothing was applied; upload the snapshot again.'))
    }
    failed += runs.length
    if (runs.length < BATCH) break
  }
  if (failed > 0) deps.log.info({ failed }, 'failed runs of interrupted uploads')
  return failed
}
