import { ProblemError } from '../http/problem.js'
import type { recordedRuns } from './run-audit.js'
import { problemSummary } from './run-problem.js'
import type { RunRepository, SyncRun } from './run-repository.js'
import type { StagingRepository } from './staging-repository.js'
import type { Logger } from '../log/logger.js'

export interface RunFailureDeps {
  runs: RunRepository
  recorded: ReturnType<typeof recordedRuns>
  staging: StagingRepository
  log: Pick<Logger, 'error'>
  /** BEHORIG_ISSUER: a failed run's `error.type` is a problem type URI under it. */
  issuer: string
  /** Told of the run once it has failed for good. */
  failed?: (run: SyncRun) => Promise<void>
}

/** How a run that went wrong ends: failed for good, or marked and retried. */
export function runFailure (deps: RunFailureDeps) {
  async function fail (run: SyncRun, err: unknown): Promise<void> {
    const failed = await deps.recorded.finishAlone(run.id, ['queued', 'running'], 'failed', { error: problemSummary(err, deps.issuer), finished: true })
    await deps.staging.clear(run.id)
    if (failed) await deps.failed?.(failed)
  }

  /**
   * A source that is down (5xx problems) or an unexpected error is retried with backoff
   * (rethrown, for the queue); a bad document or config (4xx problems) will not get
   * better by waiting.
   */
  async function failOrRetry (run: SyncRun, err: unknown, attempt: { final: boolean }): Promise<void> {
    const permanent = err instanceof ProblemError && err.status < 500
    if (permanent || attempt.final) {
      deps.log.error({ err, run: run.id }, 'sync run failed')
      await fail(run, err)
      if (permanent) return
    } else {
      await deps.runs.transition(run.id, ['running'], 'running', { error: { ...problemSummary(err, deps.issuer), retrying: true } })
    }
    throw err
  }

  return { fail, failOrRetry }
}
