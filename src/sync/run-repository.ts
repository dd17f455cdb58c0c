import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { Database, SyncRunTable } from '../store/database-types.js'
import { withTenant } from '../store/tenant-scope.js'
import { RUN_STATES, type RunState } from '../sources/run-accepted.js'

export { RUN_STATES, type RunState }
export type RunTrigger = 'import' | 'pull' | 'schedule' | 'push'

export interface SyncRun {
  id: string
  organisation: string
  source: string
  trigger: RunTrigger
  state: RunState
  counts: Record<string, unknown>
  error: { type?: string, title?: string, detail: string, errors?: unknown[], retrying?: boolean } | null
  unmatched: unknown[] | null
  staged: boolean
  mode: 'full' | 'incremental'
  /** The source state to keep when this run succeeds (directory change marks). */
  next_state: Record<string, unknown> | null
  attempts: number
  created_at: Date
  started_at: Date | null
  finished_at: Date | null
  decided_by: string | null
  decided_at: Date | null
}

export function runRepository (db: Kysely<Database> | Transaction<Database>) {
  return {
    /** `uploadLeaseMs`: the run is an upload this process receives, held for that long (renew with `renewUploadLease`). */
    async create ({ uploadLeaseMs, ...run }: { id: string, organisation: string, source: string, trigger: RunTrigger, mode?: SyncRun['mode'], uploadLeaseMs?: number }): Promise<SyncRun> {
      const lease = uploadLeaseMs === undefined ? {} : { upload_lease_until: leaseEnd(uploadLeaseMs) }
      return toRun(await db.insertInto('sync_runs').values({ ...run, ...lease, state: 'queued' }).returningAll().executeTakeFirstOrThrow())
    },

    async renewUploadLease (id: string, leaseMs: number): Promise<void> {
      await db.updateTable('sync_runs').set({ upload_lease_until: leaseEnd(leaseMs) })
        .where('id', '=', id).where('state', '=', 'queued').where('staged', '=', false).execute()
    },

    /** Uploads whose process stopped renewing their lease: still queued, not staged, lease run out. */
    async abandonedUploads (limit: number): Promise<SyncRun[]> {
      const rows = await db.selectFrom('sync_runs').selectAll()
        .where('trigger', '=', 'import').where('state', '=', 'queued').where('staged', '=', false)
        .where('upload_lease_until', '<', sql<Date>`now()`).orderBy('upload_lease_until').limit(limit).execute()
      return rows.map(toRun)
    },

    async find (organisation: string, id: string): Promise<SyncRun | undefined> {
      const row = await db.selectFrom('sync_runs').selectAll().where('organisation', '=', organisation).where('id', '=', id).executeTakeFirst()
      return row && toRun(row)
    },

    async findById (id: string): Promise<SyncRun | undefined> {
      const row = await db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toRun(row)
    },

    async list (organisation: string, options: { source?: string, before?: string, limit: number }): Promise<SyncRun[]> {
      let q = db.selectFrom('sync_runs').selectAll().where('organisation', '=', organisation).orderBy('id', 'desc').limit(options.limit)
      if (options.source) q = q.where('source', '=', options.source)
      if (options.before) q = q.where('id', '<', options.before)
      return (await q.execute()).map(toRun)
    },

    /** Moves a run from one of `from` to `to`; undefined when it was in another state (someone else moved it). */
    async transition (id: string, from: readonly RunState[], to: RunState, fields: Partial<Pick<SyncRun, 'counts' | 'error' | 'unmatched' | 'staged' | 'decided_by' | 'next_state' | 'mode'>> & { started?: boolean, finished?: boolean, decided?: boolean } = {}): Promise<SyncRun | undefined> {
      const { started, finished, decided, counts, error, unmatched, next_state: nextState, ...rest } = fields
      const row = await db.updateTable('sync_runs')
        .set({
          state: to,
          ...rest,
          ...(counts !== undefined ? { counts: JSON.stringify(counts) } : {}),
          ...(error !== undefined ? { error: error === null ? null : JSON.stringify(error) } : {}),
          ...(nextState !== undefined ? { next_state: nextState === null ? null : JSON.stringify(nextState) } : {}),
          ...(unmatched !== undefined ? { unmatched: unmatched === null ? null : JSON.stringify(unmatched) } : {}),
          ...(started ? { started_at: new Date(), attempts: sql<number>`attempts + 1` } : {}),
          ...(finished ? { finished_at: new Date() } : {}),
          ...(decided ? { decided_at: new Date() } : {})
        })
        .where('id', '=', id).where('state', 'in', [...from])
        .returningAll().executeTakeFirst()
      return row && toRun(row)
    },

    async quarantine (runId: string, options: { after: number, limit: number }) {
      return db.selectFrom('sync_quarantine').select(['seq', 'row_number', 'record_type', 'pointer', 'code', 'reason', 'problems', 'raw'])
        .where('run_id', '=', runId).where('seq', '>', options.after).orderBy('seq').limit(options.limit).execute()
    },

    /**
     * For the metrics, over every organisation: runs awaiting a steward's decision, and
     * sources whose latest run to succeed or fail failed (each found by sync_runs_by_source,
     * reading runs from the newest until the first finished one).
     */
    async operationalCounts (): Promise<{ awaiting_approval: number, failing_sources: number }> {
      const { rows } = await sql<{ awaiting_approval: number, failing_sources: number }>`
        select
          (select count(*) from sync_runs where state = 'awaiting-approval')::int as awaiting_approval,
          (select count(*) from sources s cross join lateral (
            select r.state from sync_runs r
            where r.organisation = s.organisation and r.source = s.id and r.state in ('succeeded', 'failed')
            order by r.created_at desc limit 1
          ) latest where latest.state = 'failed')::int as failing_sources`.execute(db)
      const row = rows[0]
      return { awaiting_approval: Number(row?.awaiting_approval ?? 0), failing_sources: Number(row?.failing_sources ?? 0) }
    },

    /** When each source last finished a successful run: the `source_as_of` of what it produced. */
    async lastSucceeded (organisation: string): Promise<Record<string, Date>> {
      const rows = await db.selectFrom('sync_runs').select(['source', (eb) => eb.fn.max('finished_at').as('at')])
        .where('organisation', '=', organisation).where('state', '=', 'succeeded').groupBy('source').execute()
      return Object.fromEntries(rows.filter((r) => r.at).map((r) => [r.source, new Date(r.at as Date)]))
    }
  }
}

export type RunRepository = ReturnType<typeof runRepository>

/** The database's clock, not this process's: every process compares leases against the same one. */
const leaseEnd = (ms: number) => sql<Date>`now() + make_interval(secs => ${ms / 1000})`

function toRun ({ upload_lease_until: _lease, ...row }: Selectable<SyncRunTable>): SyncRun {
  return {
    ...row,
    trigger: row.trigger as RunTrigger,
    state: row.state as RunState,
    mode: row.mode as SyncRun['mode'],
    next_state: row.next_state as SyncRun['next_state'],
    counts: (row.counts ?? {}) as Record<string, unknown>,
    error: row.error as SyncRun['error'],
    unmatched: row.unmatched as unknown[] | null,
    created_at: new Date(row.created_at)
  }
}

/** The reads the API makes for one organisation, in its tenant scope (row-level security). */
export function tenantRunReader (db: Kysely<Database>) {
  return {
    find: (organisation: string, id: string) => withTenant(db, organisation, (trx) => runRepository(trx).find(organisation, id)),
    list: (organisation: string, options: { source?: string, before?: string, limit: number }) => withTenant(db, organisation, (trx) => runRepository(trx).list(organisation, options)),
    quarantine: (organisation: string, runId: string, options: { after: number, limit: number }) => withTenant(db, organisation, (trx) => runRepository(trx).quarantine(runId, options))
  }
}
