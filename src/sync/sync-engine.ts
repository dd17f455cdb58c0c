import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { SecretBox } from '../crypto/secret-box.js'
import type { JobQueue } from '../jobs/job-queue.js'
import type { SourceItem } from '../sources/source-records.js'
import type { ReadPlan, SourceConnector, SourceKind } from '../sources/source-connector.js'
import type { AuditActor } from '../audit/audit-event.js'
import { applyRepository } from './apply-repository.js'
import { APPLIERS, PUSH_APPLIER } from './appliers/index.js'
import { changeEvents } from './change-events.js'
import { SourceCannotPull } from './errors.js'
import type { PushChange } from './push-change.js'
import { pushRun } from './push-run.js'
import { defaultStarter, recordedRuns } from './run-audit.js'
import { newRunId } from './run-id.js'
import { runDecisions } from './run-decisions.js'
import { runFailure } from './run-failure.js'
import { finishedRun, type RunObserver } from './run-observer.js'
import { sourceRepository } from '../sources/repository.js'
import { withRunId } from './run-problem.js'
import { runRepository, tenantRunReader, type RunTrigger, type SyncRun } from './run-repository.js'
import { applyStagedRun } from './staged-run-apply.js'
import { stageItems, type StageCounts } from './stage-items.js'
import { stagingRepository } from './staging-repository.js'
import { failAbandonedUploads } from './upload-janitor.js'
import { holdUploadLease } from './upload-lease.js'
import type { Logger } from '../log/logger.js'

export const SYNC_RUN_JOB = 'sync-run'

type Read = Pick<StageCounts, 'read' | 'quarantined'>

export interface SyncEngineDeps {
  db: Kysely<Database>
  box: SecretBox
  queue: JobQueue
  log: Pick<Logger, 'error' | 'info'>
  /** The source's safety settings and, for pulling sources, its connector. */
  sourceOf (organisation: string, source: string): Promise<{ kind: SourceKind, maxEndPercent: number, connector: SourceConnector | undefined } | undefined>
  /** How long an upload's run is held without renewal before the janitor takes it for abandoned (BEHORIG_UPLOAD_LEASE_MS). */
  uploadLeaseMs: number
  /** BEHORIG_ISSUER: a failed run's `error.type` is a problem type URI under it. */
  issuer: string
  /** Told of each run that reached a result (the metrics). */
  observe?: RunObserver
}

/**
 * Runs: stage what a source says (streamed), diff it against what the source said last
 * time, stop for approval when too much would end, else apply everything in one
 * transaction and tell subscribers who changed. What each kind of source data means is
 * its applier's business (appliers/); the engine knows none.
 */
export function syncEngine (deps: SyncEngineDeps) {
  const runs = runRepository(deps.db)
  const tenantRuns = tenantRunReader(deps.db)
  const staging = stagingRepository(deps.db)
  const recorded = recordedRuns(deps.db)
  const events = changeEvents()
  const enqueue = (runId: string, jobId = runId) => deps.queue.enqueue(SYNC_RUN_JOB, { run_id: runId }, { jobId })

  /**
   * Tells the observer of a run's result. The source's kind is read when the caller does not
   * know it (failures, decisions): those are rare, and a failure to read it fails nothing.
   */
  async function report (run: SyncRun | undefined, kind?: SourceKind): Promise<void> {
    if (!run || !deps.observe) return
    const known = kind ?? await sourceRepository(deps.db).find(run.organisation, run.source).then((found) => found?.source.kind, () => undefined)
    deps.observe(finishedRun(run, known))
  }

  const { fail, failOrRetry } = runFailure({ runs, recorded, staging, log: deps.log, issuer: deps.issuer, failed: (run) => report(run) })
  const decisions = runDecisions({ runs, recorded, staging, requeue: enqueue })

  async function stage (run: SyncRun, items: AsyncIterable<SourceItem>): Promise<StageCounts> {
    await staging.clear(run.id)
    await staging.clearQuarantine(run.id)
    return stageItems(run.id, items, { staging, box: deps.box })
  }

  /**
   * Reads a pulling source into staging. Planned now, from the state the previous run
   * left: a run queued as incremental reads in full when there is no mark to read from yet.
   */
  async function pull (run: SyncRun, connector: SourceConnector | undefined): Promise<{ run: SyncRun, read: Read }> {
    if (!connector) throw SourceCannotPull('Nothing was uploaded and the source has nothing to pull from')
    const plan: ReadPlan = run.mode === 'full' ? { mode: 'full' } : connector.plan?.() ?? { mode: 'full' }
    const source = connector.read(plan)
    const { read, quarantined } = await stage(run, source.items)
    const staged = await runs.transition(run.id, ['running'], 'running', { staged: true, counts: { read, quarantined }, mode: plan.mode, next_state: source.nextState?.() ?? null })
    return { run: staged ?? run, read: { read, quarantined } }
  }

  /**
   * Tells subscribers who a run changed, after it committed. A run that changed no one is
   * announced too: a unit it moved changes what subtree rules grant, and a new day since
   * the last run starts and ends employments that no record change reports.
   */
  async function announce (run: SyncRun, change: string): Promise<void> {
    const personIds = await applyRepository(deps.db).changedPeople(run.id)
    await events.emit({ organisation: run.organisation, source: run.source, runId: run.id, personIds, change }, deps.log)
  }

  return {
    events,
    approve: decisions.approve,
    async reject (...decision: Parameters<typeof decisions.reject>): Promise<SyncRun> {
      const run = await decisions.reject(...decision)
      await report(run)
      return run
    },

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
        throw withRunId(err, run.id)
      } finally {
        lease.release()
      }
      await enqueue(run.id)
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
      await enqueue(run.id)
      return run
    },

    /** A push (SCIM): see push-run.ts. Subscribers hear of it after it committed. */
    async push<T> (organisation: string, source: string, write: (trx: Transaction<Database>) => Promise<PushChange<T>>, actor: AuditActor = defaultStarter('push')): Promise<{ result: T, run: SyncRun }> {
      const { result, run, change } = await pushRun({ db: deps.db, box: deps.box, applier: PUSH_APPLIER }, organisation, source, write, actor)
      // Pushes come from SCIM sources only (scim/service.ts).
      await report(run, 'scim')
      await announce(run, change)
      return { result, run }
    },

    /** The job handler. Idempotent: a run already finished is left alone. */
    async process (runId: string, attempt: { final: boolean }): Promise<void> {
      const run = await runs.findById(runId)
      if (!run || !['queued', 'running'].includes(run.state)) return
      const started = await runs.transition(run.id, ['queued', 'running'], 'running', { started: true })
      if (!started) return
      try {
        const found = await deps.sourceOf(run.organisation, run.source)
        if (!found) throw SourceCannotPull('The source was deleted')
        const staged = run.staged ? { run: started, read: uploaded(run) } : await pull(started, found.connector)
        const applied = await applyStagedRun(deps.db, recorded, staged.run, { applier: APPLIERS[found.kind], maxEndPercent: found.maxEndPercent }, staged.read)
        await report(applied?.run, found.kind)
        if (applied?.run?.state === 'succeeded' && applied.change !== undefined) {
          await announce(applied.run, applied.change)
          await staging.clear(run.id)
        }
      } catch (err) {
        await failOrRetry(run, err, attempt)
      }
    },

    /** What the API shows: run reads in the organisation's tenant scope. */
    findRun: tenantRuns.find,
    listRuns: tenantRuns.list,
    quarantine: tenantRuns.quarantine,
    /** When each source of the organisation last succeeded. */
    lastSucceeded: (organisation: string) => runs.lastSucceeded(organisation),
    changedPeople: (runId: string) => applyRepository(deps.db).changedPeople(runId),

    /** The janitor's pass: fails runs whose upload's process is gone, and removes their staging. */
    failAbandonedUploads: () => failAbandonedUploads({ abandonedUploads: runs.abandonedUploads, fail, log: deps.log })
  }
}

export type SyncEngine = ReturnType<typeof syncEngine>

/** What an uploaded run staged while its upload streamed. */
function uploaded (run: SyncRun): Read {
  return { read: Number(run.counts['read'] ?? 0), quarantined: Number(run.counts['quarantined'] ?? 0) }
}
