import { ProblemError, problemTypeUri } from '../http/problem.js'

/** What a run shows of an error: a problem's own words, never an unexpected error's internals. */
export function problemSummary (err: unknown, issuer: string): { type?: string, title?: string, detail: string, errors?: unknown[] } {
  return err instanceof ProblemError
    ? { type: problemTypeUri(issuer, err.definition.slug), title: err.definition.title, detail: err.detail ?? err.definition.title, ...(err.errors ? { errors: err.errors } : {}) }
    : { detail: 'The run failed unexpectedly; the service log has the details.' }
}

/** An upload's problem, naming the run it failed, so the uploader can read what was quarantined. */
export function withRunId (err: unknown, runId: string): unknown {
  if (!(err instanceof ProblemError)) return err
  return new ProblemError(err.definition, { detail: err.detail ?? err.definition.title, ...(err.errors ? { errors: err.errors } : {}), extensions: { ...err.extensions, run_id: runId } })
}
