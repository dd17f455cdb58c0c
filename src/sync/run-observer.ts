import type { SourceKind } from '../sources/source-connector.js'
import type { RunState, SyncRun } from './run-repository.js'

/** A run that reached a result, as the metrics count it. */
export interface FinishedRun {
  /** `unknown` when the source was deleted before its run ended. */
  kind: SourceKind | 'unknown'
  state: RunState
  /** From the run's latest start by a worker (its creation, when none started it) to its result; undefined for a run a steward rejected. */
  seconds: number | undefined
}

/** Told of each run that reached a result: succeeded, failed, awaiting-approval or rejected. */
export type RunObserver = (run: FinishedRun) => void

export function finishedRun (run: SyncRun, kind: SourceKind | undefined): FinishedRun {
  const from = run.started_at ?? run.created_at
  const to = run.finished_at ?? new Date()
  return {
    kind: kind ?? 'unknown',
    state: run.state,
    seconds: run.state === 'rejected' ? undefined : Math.max(0, (to.getTime() - new Date(from).getTime()) / 1000)
  }
}
