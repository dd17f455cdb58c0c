import { defineProblem } from '../http/problem.js'

export const UnknownSyncRun = defineProblem('unknown-sync-run', 'No such sync run', 404)
export const RunNotAwaitingApproval = defineProblem('run-not-awaiting-approval', 'The run is not awaiting approval', 409)
export const SourceCannotPull = defineProblem('source-cannot-pull', 'The source has nothing to pull from', 409)
/** Only ever a run's `error`: the process receiving the upload stopped before it was read (see upload-janitor.ts). */
export const UploadInterrupted = defineProblem('upload-interrupted', 'The upload was interrupted', 503)
