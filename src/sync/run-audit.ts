import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor, AuditEventInput } from '../audit/audit-event.js'
import { runRepository, type RunRepository, type SyncRun } from './run-repository.js'

/** Who finishes runs that a job worked on: the engine, whoever started them. */
export const SYNC_ENGINE_ACTOR: AuditActor = { kind: 'system', component: 'sync-engine' }

/** Who starts runs that no request asked for: a pull on the source's schedule, or the service itself. */
export function defaultStarter (trigger: SyncRun['trigger']): AuditActor {
  return { kind: 'system', component: trigger === 'schedule' ? 'scheduler' : 'behorig' }
}

type Transition = Parameters<RunRepository['transition']>

/**
 * Run transitions that the audit log records (start, result, decision), each appended in
 * the transaction that makes the change, after it, so the organisation's chain is locked
 * only at the end.
 */
export function recordedRuns (db: Kysely<Database>) {
  async function finish (trx: Transaction<Database>, ...transition: Transition): Promise<SyncRun | undefined> {
    const run = await runRepository(trx).transition(...transition)
    if (run) await appendAudit(trx, [runFinished(run)])
    return run
  }
  return {
    /** Creates a run and records who started it. */
    create: (fields: Parameters<RunRepository['create']>[0], actor: AuditActor): Promise<SyncRun> => db.transaction().execute(async (trx) => {
      const run = await runRepository(trx).create(fields)
      await appendAudit(trx, [runStarted(run, actor)])
      return run
    }),
    /** Moves a run to a result (or to awaiting approval) within `trx`; undefined when it was not in a `from` state. */
    finish,
    /** `finish` in a transaction of its own. */
    finishAlone: (...transition: Transition): Promise<SyncRun | undefined> => db.transaction().execute((trx) => finish(trx, ...transition)),
    /** An approval or rejection; undefined (nothing recorded) when the run was not awaiting one. */
    decide: (decision: 'approved' | 'rejected', actor: AuditActor, ...transition: Transition): Promise<SyncRun | undefined> => db.transaction().execute(async (trx) => {
      const run = await runRepository(trx).transition(...transition)
      if (run) await appendAudit(trx, [runDecided(run, decision, actor)])
      return run
    })
  }
}

export function runStarted (run: SyncRun, actor: AuditActor): AuditEventInput {
  return { organisation: run.organisation, action: 'sync-run.started', actor, details: { run_id: run.id, source: run.source, trigger: run.trigger, mode: run.mode } }
}

/**
 * A run's result: succeeded, failed, or held for approval (a second `finished` follows
 * once an approved run is applied). Counts only, never records or unmatched accounts; of
 * an error only its problem type and title, since a detail may quote the source.
 */
export function runFinished (run: SyncRun, actor: AuditActor = SYNC_ENGINE_ACTOR): AuditEventInput {
  const error = run.error ? { error: { ...(run.error.type ? { type: run.error.type } : {}), ...(run.error.title ? { title: run.error.title } : {}) } } : {}
  return { organisation: run.organisation, action: 'sync-run.finished', actor, details: { run_id: run.id, source: run.source, trigger: run.trigger, state: run.state, counts: run.counts, ...error } }
}

function runDecided (run: SyncRun, decision: 'approved' | 'rejected', actor: AuditActor): AuditEventInput {
  return { organisation: run.organisation, action: decision === 'approved' ? 'sync-run.approved' : 'sync-run.rejected', actor, details: { run_id: run.id, source: run.source, decided_by: run.decided_by, counts: run.counts } }
}
