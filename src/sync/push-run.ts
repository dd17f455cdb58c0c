import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { SecretBox } from '../crypto/secret-box.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'
import { applyRepository, type RunScope } from './apply-repository.js'
import type { PushApplier } from './appliers/index.js'
import type { PushChange } from './push-change.js'
import { runRepository, type SyncRun } from './run-repository.js'
import { runFinished, runStarted } from './run-audit.js'
import { newRunId } from './run-id.js'
import { recordRunChange } from './staged-run-apply.js'

export interface PushRunDeps { db: Kysely<Database>, box: SecretBox, applier: PushApplier }

/**
 * One write of a push source as one run of it (trigger push, mode incremental), applied
 * in one transaction together with `write`, which stores the pushed resource and says what
 * the source now reports. Nothing else of the source ends. Like an applied run, it commits
 * with its change in the change outbox.
 */
export async function pushRun<T> (deps: PushRunDeps, organisation: string, source: string, write: (trx: Transaction<Database>) => Promise<PushChange<T>>, actor: AuditActor): Promise<{ result: T, run: SyncRun, change: string }> {
  return deps.db.transaction().execute(async (trx) => {
    const scope: RunScope = { organisation, source, runId: newRunId() }
    await applyRepository(trx).lockSource(scope)
    const runs = runRepository(trx)
    const created = await runs.create({ id: scope.runId, organisation, source, trigger: 'push', mode: 'incremental' })
    await runs.transition(scope.runId, ['queued'], 'running', { started: true, staged: true })
    const change = await write(trx)
    const { counts, unmatched } = await deps.applier.push(trx, scope, change, deps.box)
    const run = await runs.transition(scope.runId, ['running'], 'succeeded', { counts, ...(unmatched ? { unmatched } : {}), error: null, finished: true })
    // Last, so the organisation's audit chain is locked only for the end of the push.
    await appendAudit(trx, [runStarted(created, actor), runFinished(run!, actor)])
    return { result: change.result, run: run!, change: await recordRunChange(trx, run!) }
  })
}
