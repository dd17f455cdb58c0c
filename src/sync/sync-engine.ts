import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { SecretBox } from '../crypto/secret-box.js'
import type { JobQueue } from '../jobs/job-queue.js'
import { ProblemError, problemTypeUri } from '../http/problem.js'
import type { AccountRecord, GroupRecord, SourceItem } from '../sources/source-records.js'
import type { ReadPlan, SourceConnector, SourceKind } from '../sources/source-connector.js'
import { directoryApplyRepository } from './directory-apply-repository.js'
import { applyRepository, type EmploymentDiff, type RunScope } from './apply-repository.js'
import { runRepository, tenantRunReader, type RunTrigger, type SyncRun } from './run-repository.js'
import { stageItems, type StageCounts } from './stage-items.js'
import { holdUploadLease } from './upload-lease.js'
import { failAbandonedUploads } from './upload-janitor.js'
import { stagingRepository } from './staging-repository.js'
import { changeEvents } from './change-events.js'
import { newRunId } from './run-id.js'
import { SourceCannotPull } from './errors.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'
import { defaultStarter, recordedRuns, runFinished, runStarted } from './run-audit.js'

export const SYNC_RUN_JOB = 'sync-run'

interface Logger { error (o: object, m: string): void, info (o: object, m: string): void }

export interface SyncEngineDeps {
  db: Kysely<Database>
  box: SecretBox
  queue: JobQueue
  log: Logger
  /** The source's safety settings and, for pulling sources, its connector. */
  sourceOf (organisation: string, source: string): Promise<{ kind: SourceKind, maxEndPercent: number, connector: SourceConnector | undefined } | undefined>
  /** How long an upload's run is held without renewal before the janitor takes it for abandoned (BEHORIG_UPLOAD_LEASE_MS). */
  uploadLeaseMs: number
  /** BEHORIG_ISSUER: a failed run's `error.type` is a problem type URI under it. */
  issuer: string
}

/**
 * Runs: stage what a source says (streamed), diff it against what the source said last
 * time, stop for approval when too much would end, else apply everything in one
 * transaction and tell subscribers who changed.
 */
export function syncEngine (deps: SyncEngineDeps) {
  const runs = runRepository(deps.db)
  const staging = stagingRepository(deps.db)
  const recorded = recordedRuns(deps.db)
  const events = changeEvents()

  async function stage (run: SyncRun, items: AsyncIterable<SourceItem>): Promise<StageCounts> {
    await staging.clear(run.id)
    await deps.db.deleteFrom('sync_quarantine').where('run_id', '=', run.id).execute()
    return stageItems(run.id, items, { staging, box: deps.box })
  }

  async function fail (run: SyncRun, err: unknown): Promise<void> {
    await recorded.finishAlone(run.id, ['queued', 'running'], 'failed', { error: problemSummary(err, deps.issuer), finished: true })
    await staging.clear(run.id)
  }

  /** Diff and, unless the safety threshold trips, apply. One transaction, one source at a time. */
  async function applyStaged (run: SyncRun, kind: SourceKind, maxEndPercent: number, read: Pick<StageCounts, 'read' | 'quarantined'>): Promise<SyncRun | undefined> {
    const scope: RunScope = { organisation: run.organisation, source: run.source, runId: run.id }
    return deps.db.transaction().execute(async (trx) => {
      const apply = applyRepository(trx)
      const directory = directoryApplyRepository(trx)
      await apply.lockSource(scope)
      const current = await runRepository(trx).findById(run.id)
      if (current?.state !== 'running') return undefined // another worker finished it
      const full = current.mode !== 'incremental'
      const diff = kind === 'hr' ? await apply.diffEmployments(scope) : await directory.diffAccounts(scope)
      // An incremental directory run reads only what changed: what it did not read has not ended.
      if (!full) diff.ended = 0
      const counts = { ...read, created: diff.created, updated: diff.updated, ended: diff.ended, unchanged: diff.unchanged }
      if (!current.decided_by && tripsSafety(diff, maxEndPercent, full)) {
        return recorded.finish(trx, run.id, ['running'], 'awaiting-approval', {
          error: null,
          counts: { ...counts, active_before: diff.active_before, max_end_percent: maxEndPercent }
        })
      }
      if (current.next_state) {
        await trx.updateTable('sources').set({ state: JSON.stringify(current.next_state) })
          .where('organisation', '=', run.organisation).where('id', '=', run.source).execute()
      }
      let units: unknown
      let changed = diff.created + diff.updated + diff.ended > 0
      if (kind === 'hr') {
        units = await apply.applyUnits(scope)
        await apply.applyPeople(scope)
        await apply.applyEmployments(scope)
      } else {
        // An incremental run rebuilds the groups of only the people it may affect.
        if (!full) await directory.collectTouchedPeople(scope, { accounts: [], groups: [] })
        changed = await directory.applyGroups(scope, full) > 0 || changed
        await directory.applyAccounts(scope, full)
      }
      // People and accounts meet here whichever side changed: a new HR employee may match
      // an account the directory reported earlier, and the other way round. An incremental
      // or HR run that changed nothing leaves links and memberships as they are; a full
      // directory run always relinks, so changed correlation rules take effect.
      if (changed || (kind !== 'hr' && full)) {
        // Only after a bulk change: ANALYZE holds its lock to the end of this transaction,
        // so it would queue other organisations' runs behind this one.
        if (diff.created + diff.updated + diff.ended >= Math.max(1000, diff.active_before / 10)) await directory.analyze()
        if (kind !== 'hr' && !full) {
          await directory.correlate(run.organisation, scope)
          await directory.collectTouchedPeople(scope, { accounts: [], groups: [] })
          await directory.resolveMemberships(run.organisation, run.id, true)
        } else {
          await directory.correlate(run.organisation)
          await directory.resolveMemberships(run.organisation, run.id)
        }
      }
      if (kind === 'hr') {
        return recorded.finish(trx, run.id, ['running'], 'succeeded', { counts: { ...counts, units }, error: null, finished: true })
      }
      const { unmatched, unmatchedTotal } = await directory.unmatched(run.organisation)
      return recorded.finish(trx, run.id, ['running'], 'succeeded', { counts: { ...counts, unmatched: unmatchedTotal }, unmatched, error: null, finished: true })
    })
  }

  /**
   * Tells subscribers who a run changed, after it committed. A run that changed no one is
   * announced too: a unit it moved changes what subtree rules grant, and a new day since
   * the last run starts and ends employments that no record change reports.
   */
  async function announce (run: SyncRun): Promise<void> {
    const personIds = await applyRepository(deps.db).changedPeople(run.id)
    await events.emit({ organisation: run.organisation, source: run.source, runId: run.id, personIds }, deps.log)
  }

  return {
    events,
    runs,
    /** What the API shows: run reads in the organisation's tenant scope. */
    tenantRuns: tenantRunReader(deps.db),

    /** Creates a run for an uploaded snapshot and stages it while the upload streams. */
    async importSnapshot (organisation: string, source: string, items: AsyncIterable<SourceItem>, actor: AuditActor = defaultStarter('import')): Promise<SyncRun> {
      const run = await recorded.create({ id: newRunId(), organisation, source, trigger: 'import', uploadLeaseMs: deps.uploadLeaseMs }, actor)
      const lease = holdUploadLease(() => runs.renewUploadLease(run.id, deps.uploadLeaseMs), deps.uploadLeaseMs, deps.log)
      let queued: SyncRun | undefined
      try {
        const counts = await stage(run, items)
        queued = await runs.transition(run.id, ['queued'], 'queued', { staged: true, counts: { read: counts.read, quarantined: counts.quarantined } })
      } catch (err) {
        await fail(run, err)
        if (err instanceof ProblemError) throw new ProblemError(err.definition, { detail: err.detail ?? err.definition.title, ...(err.errors ? { errors: err.errors } : {}), extensions: { ...err.extensions, run_id: run.id } })
        throw err
      } finally {
        lease.release()
      }
      await deps.queue.enqueue(SYNC_RUN_JOB, { run_id: run.id }, { jobId: run.id })
      return queued ?? run
    },

    /**
     * Queues a run that reads the source itself (HR URL, directory). A directory source
     * reads incrementally between its periodic full runs unless `full` is asked for.
     */
    async startPull (organisation: string, source: string, trigger: RunTrigger = 'pull', requested?: 'full', actor: AuditActor = defaultStarter(trigger)): Promise<SyncRun> {
      const found = await deps.sourceOf(organisation, source)
      if (!found?.connector) throw SourceCannotPull(`Source ${source} is not pulled; upload a snapshot to its imports instead`)
      const plan = found.connector.plan?.(requested) ?? { mode: 'full' }
      const run = await recorded.create({ id: newRunId(), organisation, source, trigger, mode: plan.mode }, actor)
      await deps.queue.enqueue(SYNC_RUN_JOB, { run_id: run.id }, { jobId: run.id })
      return run
    },

    /**
     * A push (SCIM): one write of a push source becomes one run of it (trigger push, mode
     * incremental), applied in one transaction together with `write`, which stores the
     * pushed resource and says what the source now reports: accounts and groups as they
     * now are, accounts that ended, groups that are gone. Nothing else of the source ends.
     */
    async push<T> (organisation: string, source: string, write: (trx: Transaction<Database>) => Promise<PushChange<T>>, actor: AuditActor = defaultStarter('push')): Promise<{ result: T, run: SyncRun }> {
      const outcome = await deps.db.transaction().execute(async (trx) => {
        const scope: RunScope = { organisation, source, runId: newRunId() }
        const directory = directoryApplyRepository(trx)
        await applyRepository(trx).lockSource(scope)
        const trxRuns = runRepository(trx)
        const created = await trxRuns.create({ id: scope.runId, organisation, source, trigger: 'push', mode: 'incremental' })
        await trxRuns.transition(scope.runId, ['queued'], 'running', { started: true, staged: true })
        const change = await write(trx)
        const staged = await stageItems(scope.runId, pushItems(change), { staging: stagingRepository(trx), box: deps.box, analyze: false })
        const diff = await directory.diffAccounts(scope)
        const gone = { accounts: change.endAccounts ?? [], groups: change.removeGroups ?? [] }
        await directory.collectTouchedPeople(scope, gone)
        await directory.applyGroups(scope, false)
        await directory.applyAccounts(scope, false)
        const ended = await directory.endAccounts(scope, gone.accounts)
        await directory.removeGroups(scope, gone.groups)
        await directory.correlate(organisation, scope)
        await directory.collectTouchedPeople(scope, gone)
        await directory.resolveMemberships(organisation, scope.runId, true)
        const { unmatched, unmatchedTotal } = await directory.unmatched(organisation)
        await stagingRepository(trx).clear(scope.runId)
        const counts = { read: staged.read, quarantined: staged.quarantined, created: diff.created, updated: diff.updated, ended, unchanged: diff.unchanged, unmatched: unmatchedTotal }
        const run = await trxRuns.transition(scope.runId, ['running'], 'succeeded', { counts, unmatched, error: null, finished: true })
        // Last, so the organisation's audit chain is locked only for the end of the push.
        await appendAudit(trx, [runStarted(created, actor), runFinished(run!, actor)])
        return { result: change.result, run: run! }
      })
      await announce(outcome.run)
      return outcome
    },

    /** The job handler. Idempotent: a run already finished is left alone. */
    async process (runId: string, attempt: { final: boolean }): Promise<void> {
      const run = await runs.findById(runId)
      if (!run || !['queued', 'running'].includes(run.state)) return
      let started = await runs.transition(run.id, ['queued', 'running'], 'running', { started: true })
      if (!started) return
      try {
        const found = await deps.sourceOf(run.organisation, run.source)
        if (!found) throw SourceCannotPull('The source was deleted')
        let read = { read: Number(run.counts['read'] ?? 0), quarantined: Number(run.counts['quarantined'] ?? 0) }
        if (!run.staged) {
          if (!found.connector) throw SourceCannotPull('Nothing was uploaded and the source has nothing to pull from')
          // Planned now, from the state the previous run left: a run queued as incremental
          // reads in full when there is no mark to read from yet.
          const plan: ReadPlan = started.mode === 'full' ? { mode: 'full' } : found.connector.plan?.() ?? { mode: 'full' }
          const source = found.connector.read(plan)
          const staged = await stage(run, source.items)
          read = { read: staged.read, quarantined: staged.quarantined }
          started = await runs.transition(run.id, ['running'], 'running', { staged: true, counts: read, mode: plan.mode, next_state: source.nextState?.() ?? null }) ?? started
        }
        const result = await applyStaged(started, found.kind, found.maxEndPercent, read)
        if (result?.state === 'succeeded') {
          await announce(result)
          await staging.clear(run.id)
        }
      } catch (err) {
        // A source that is down (5xx problems) or an unexpected error is retried with
        // backoff; a bad document or config (4xx problems) will not get better by waiting.
        const permanent = err instanceof ProblemError && err.status < 500
        if (permanent || attempt.final) {
          deps.log.error({ err, run: run.id }, 'sync run failed')
          await fail(run, err)
          if (permanent) return
        } else {
          await runs.transition(run.id, ['running'], 'running', { error: { ...problemSummary(err, deps.issuer), retrying: true } })
        }
        throw err
      }
    },

    async approve (organisation: string, runId: string, who: string, actor: AuditActor): Promise<SyncRun | undefined> {
      if (!await runs.find(organisation, runId)) return undefined
      const run = await recorded.decide('approved', actor, runId, ['awaiting-approval'], 'queued', { decided_by: who, decided: true })
      if (run) await deps.queue.enqueue(SYNC_RUN_JOB, { run_id: run.id }, { jobId: `${run.id}:approved` })
      return run
    },

    async reject (organisation: string, runId: string, who: string, actor: AuditActor): Promise<SyncRun | undefined> {
      if (!await runs.find(organisation, runId)) return undefined
      const run = await recorded.decide('rejected', actor, runId, ['awaiting-approval'], 'rejected', { decided_by: who, decided: true, finished: true })
      if (run) await staging.clear(run.id)
      return run
    },

    changedPeople: (runId: string) => applyRepository(deps.db).changedPeople(runId),

    /** The janitor's pass: fails runs whose upload's process is gone, and removes their staging. */
    failAbandonedUploads: () => failAbandonedUploads({ abandonedUploads: runs.abandonedUploads, fail, log: deps.log })
  }
}

export type SyncEngine = ReturnType<typeof syncEngine>

/** What one push changes; see `push`. */
export interface PushChange<T> {
  result: T
  accounts?: AccountRecord[]
  groups?: GroupRecord[]
  /** unique_ids of accounts the source deleted. */
  endAccounts?: string[]
  /** DNs of groups the source deleted. */
  removeGroups?: string[]
}

async function * pushItems (change: PushChange<unknown>): AsyncGenerator<SourceItem> {
  for (const [row, record] of (change.accounts ?? []).entries()) yield { type: 'account', row, pointer: `/accounts/${row}`, record }
  for (const [row, record] of (change.groups ?? []).entries()) yield { type: 'group', row, pointer: `/groups/${row}`, record }
}

/** More than the threshold of active employments would end, or an empty read would end them all. */
export function tripsSafety (diff: EmploymentDiff, maxEndPercent: number, full = true): boolean {
  if (diff.active_before === 0) return false
  const staged = diff.created + diff.updated + diff.unchanged
  if (staged === 0 && full) return true
  return diff.ended * 100 > diff.active_before * maxEndPercent
}

/** What a run shows of an error: a problem's own words, never an unexpected error's internals. */
function problemSummary (err: unknown, issuer: string): { type?: string, title?: string, detail: string, errors?: unknown[] } {
  return err instanceof ProblemError
    ? { type: problemTypeUri(issuer, err.definition.slug), title: err.definition.title, detail: err.detail ?? err.definition.title, ...(err.errors ? { errors: err.errors } : {}) }
    : { detail: 'The run failed unexpectedly; the service log has the details.' }
}
