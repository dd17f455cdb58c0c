import { Counter, Gauge, type Registry } from 'prom-client'

/**
 * What the store, the queue and the pool say at a scrape. Read once per scrape, one part
 * after the other (so a scrape holds at most one pool connection), never on a request's path.
 */
export interface ScrapedState {
  /** Jobs by state; `stalled`: jobs this process's workers found stalled since it started. */
  queue: { waiting: number, active: number, delayed: number, failed: number, stalled: number }
  outbox: { pending: number, oldest_seconds: number | null, failing: number }
  statusLists: { allocated: number, capacity: number }
  syncRuns: { awaiting_approval: number, failing_sources: number }
  /** Per key purpose (token, federation): since when its active key signs, and when the next is due to take over. */
  signingKeys: Array<{ purpose: string, activeSince: Date, rotationDue: Date }>
  storePool: { total: number, idle: number, waiting: number, max: number }
}

type Part = keyof ScrapedState

/**
 * How each part is read; composition hands in the repositories' and the queue's functions.
 * `storePool` only for PostgreSQL: the embedded store (PGlite) is one in-process connection
 * with no pool, so its pool gauges are not registered at all rather than reported as 1/0.
 */
export type StateReaders = { [K in Exclude<Part, 'storePool'>]: () => Promise<ScrapedState[K]> } & { storePool?: (() => ScrapedState['storePool']) | undefined }

type Sample = [label: string, value: number]

/**
 * The gauges read at scrape time. A part that cannot be read (the store is down) leaves its
 * gauges at NaN or without samples, and counts in behorig_metrics_collection_errors_total.
 */
export function stateGauges (registry: Registry, readers: StateReaders): { refresh (): Promise<void> } {
  const registers = [registry]
  const state: Partial<ScrapedState> = {}
  const errors = new Counter({ name: 'behorig_metrics_collection_errors_total', help: 'Scrapes at which a part of the state (queue, outbox, statusLists, syncRuns, signingKeys, storePool) could not be read.', labelNames: ['part'], registers })

  /** An unlabelled gauge read from the scraped state: NaN when its part was unreadable. */
  function gauge (name: string, help: string, read: (s: Partial<ScrapedState>) => number | undefined): void {
    registry.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read(state) ?? Number.NaN) } }))
  }

  /** A gauge with one label: a sample per value its part yields, none when unreadable. */
  function labelled (name: string, help: string, label: string, read: (s: Partial<ScrapedState>) => Sample[]): void {
    registry.registerMetric(new Gauge({ name, help, labelNames: [label], registers: [], collect () { this.reset(); for (const [value, n] of read(state)) this.set({ [label]: value }, n) } }))
  }

  const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const
  labelled('behorig_job_queue_jobs', 'Jobs in the queue by state: waiting, active, delayed (waiting to be retried), failed (failed for good and kept).', 'state',
    ({ queue }) => queue ? JOB_STATES.map((s): Sample => [s, queue[s]]) : [])
  registry.registerMetric(new Counter({
    name: 'behorig_jobs_stalled_total',
    help: 'Jobs this process\'s workers found stalled (their worker stopped renewing its lock); BullMQ hands each to another worker.',
    registers: [],
    collect () { this.reset(); this.inc(state.queue?.stalled ?? 0) }
  }))
  gauge('behorig_change_outbox_pending', 'Committed changes whose recompute or revocation is still owed.', (s) => s.outbox?.pending)
  gauge('behorig_change_outbox_failing', 'Owed changes whose last attempt failed; they are retried.', (s) => s.outbox?.failing)
  gauge('behorig_change_outbox_oldest_seconds', 'Age of the oldest owed change; 0 when none is owed.', (s) => s.outbox && (s.outbox.oldest_seconds ?? 0))
  gauge('behorig_status_list_indices_allocated', 'Status-list indices reserved for tokens, over all lists (processes reserve them in blocks).', (s) => s.statusLists?.allocated)
  gauge('behorig_status_list_indices_capacity', 'Status-list indices all lists hold together; a new list opens when they are used up.', (s) => s.statusLists?.capacity)
  gauge('behorig_sync_runs_awaiting_approval', 'Sync runs held by their source\'s safety threshold until a steward approves or rejects them.', (s) => s.syncRuns?.awaiting_approval)
  gauge('behorig_sync_sources_failing', 'Sources whose latest finished run failed.', (s) => s.syncRuns?.failing_sources)
  labelled('behorig_signing_key_active_since_timestamp_seconds', 'When the active signing key of each purpose (token, federation) began to sign.', 'purpose',
    (s) => (s.signingKeys ?? []).map((k): Sample => [k.purpose, k.activeSince.getTime() / 1000]))
  labelled('behorig_signing_key_rotation_due_timestamp_seconds', 'When the next signing key of each purpose is due to take over; the rotation job looks every five minutes.', 'purpose',
    (s) => (s.signingKeys ?? []).map((k): Sample => [k.purpose, k.rotationDue.getTime() / 1000]))
  if (readers.storePool) {
    labelled('behorig_store_pool_connections', 'PostgreSQL connections of this process\'s pool by state: in_use or idle.', 'state',
      ({ storePool: p }) => p ? [['in_use', p.total - p.idle], ['idle', p.idle]] : [])
    gauge('behorig_store_pool_max_connections', 'The most PostgreSQL connections this process opens (BEHORIG_DB_POOL_SIZE).', (s) => s.storePool?.max)
    gauge('behorig_store_pool_waiting', 'Queries of this process waiting for a free PostgreSQL connection.', (s) => s.storePool?.waiting)
  }

  const parts = Object.entries(readers).filter(([, read]) => read !== undefined) as Array<[Part, () => Promise<unknown> | unknown]>
  return {
    async refresh () {
      for (const [part, read] of parts) {
        try {
          Object.assign(state, { [part]: await read() })
        } catch {
          delete state[part]
          errors.inc({ part })
        }
      }
    }
  }
}
