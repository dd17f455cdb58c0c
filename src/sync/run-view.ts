import type { SyncRun } from './run-repository.js'

/** A run as the API shows it (DESIGN.md: id, source, state, counts, started_at, finished_at, error?, unmatched?). */
export function runView (run: SyncRun) {
  return {
    id: run.id,
    source: run.source,
    trigger: run.trigger,
    state: run.state,
    mode: run.mode,
    counts: run.counts,
    attempts: run.attempts,
    created_at: run.created_at.toISOString(),
    started_at: run.started_at ? new Date(run.started_at).toISOString() : null,
    finished_at: run.finished_at ? new Date(run.finished_at).toISOString() : null,
    ...(run.error ? { error: run.error } : {}),
    ...(run.unmatched ? { unmatched: run.unmatched } : {}),
    ...(run.decided_by ? { decided_by: run.decided_by } : {}),
    ...(run.decided_at ? { decided_at: new Date(run.decided_at).toISOString() } : {})
  }
}
