import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import { stateGauges, type StateReaders } from './state-gauges.js'
import { clusteredMetrics, underSupervisor } from './cluster-metrics.js'

/** Where measurements go: one method per kind of event, so no capability sees prom-client. */
export interface MetricRecorders {
  /** A request answered: its route pattern (`unmatched` when none matched), method and status. */
  request (route: string, method: string, statusCode: number, seconds: number): void
  tokenIssued (clientId: string): void
  /** `reason`: the problem type slug (or OAuth error code) the refusal was answered with. */
  tokenRefused (clientId: string, reason: string): void
  /** `seconds` undefined for a run that did no work of its own (rejected by a steward). */
  syncRunFinished (kind: string, state: string, seconds: number | undefined): void
  /** `cause`: why people were recomputed (sync, assignment, publish, day, recompute). */
  recompute (cause: string, seconds: number): void
  auditAppend (seconds: number): void
  /** `result`: `intact`, or the reason verification stopped trusting the chain. */
  auditVerified (result: string): void
}

export interface Metrics {
  readonly record: MetricRecorders
  /** The exposition format's media type (Prometheus text 0.0.4). */
  readonly contentType: string
  /** Reads the state the gauges show, then renders every metric. */
  scrape (): Promise<string>
}

// Seconds. Requests and audit appends take milliseconds; runs and recomputes up to minutes.
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
const WORK_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

/**
 * The metrics of one app (or worker), in a registry of its own rather than prom-client's
 * global one, so several apps in one process (tests) count apart. Besides behorig's own,
 * Node's and the process's (`nodejs_*`, `process_*`: event-loop lag, memory, CPU, GC),
 * under their usual names so stock dashboards read them.
 */
export function createMetrics (readers: StateReaders): Metrics {
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry })
  const requests = new Histogram({ name: 'behorig_http_request_duration_seconds', help: 'HTTP requests by route pattern (`unmatched` for paths no route has), method and status code.', labelNames: ['route', 'method', 'status_code'], buckets: REQUEST_BUCKETS, registers })
  const issued = new Counter({ name: 'behorig_attribute_tokens_issued_total', help: 'Attribute tokens issued, by relying party.', labelNames: ['client_id'], registers })
  const refused = new Counter({ name: 'behorig_attribute_tokens_refused_total', help: 'Attribute-token requests of an authenticated relying party that were refused, by the problem type slug (or OAuth error code) answered.', labelNames: ['client_id', 'reason'], registers })
  const runs = new Counter({ name: 'behorig_sync_runs_finished_total', help: 'Sync runs that reached a result (succeeded, failed, awaiting-approval, rejected), by source kind.', labelNames: ['kind', 'state'], registers })
  const runSeconds = new Histogram({ name: 'behorig_sync_run_duration_seconds', help: 'From a run\'s (latest) start by a worker to its result; rejected runs are not timed.', labelNames: ['kind', 'state'], buckets: WORK_BUCKETS, registers })
  const recomputes = new Histogram({ name: 'behorig_recompute_duration_seconds', help: 'Recompute transactions of effective attributes that committed, by cause.', labelNames: ['cause'], buckets: WORK_BUCKETS, registers })
  const appends = new Histogram({ name: 'behorig_audit_append_duration_seconds', help: 'Appending events to the audit log within their transaction (chain lock included), in this process.', buckets: APPEND_BUCKETS, registers })
  const verifications = new Counter({ name: 'behorig_audit_verifications_total', help: 'Audit chain verifications by result: intact, or the reason the chain broke.', labelNames: ['result'], registers })
  // The gauges read from the store (and this process's pool) at a scrape live apart: with
  // several processes, the counters and histograms above are summed over all of them, and
  // the state is read once, by the process the scrape reached.
  const stateRegistry = new Registry()
  const state = stateGauges(stateRegistry, readers)
  const own = underSupervisor() ? clusteredMetrics(registry) : () => registry.metrics()

  return {
    record: {
      request: (route, method, statusCode, seconds) => { requests.observe({ route, method, status_code: statusCode }, seconds) },
      tokenIssued: (clientId) => { issued.inc({ client_id: clientId }) },
      tokenRefused: (clientId, reason) => { refused.inc({ client_id: clientId, reason }) },
      syncRunFinished (kind, state, seconds) {
        runs.inc({ kind, state })
        if (seconds !== undefined) runSeconds.observe({ kind, state }, seconds)
      },
      recompute: (cause, seconds) => { recomputes.observe({ cause }, seconds) },
      auditAppend: (seconds) => { appends.observe(seconds) },
      auditVerified: (result) => { verifications.inc({ result }) }
    },
    contentType: registry.contentType,
    async scrape () {
      await state.refresh()
      const counted = await own()
      return `${counted.trimEnd()}\n\n${await stateRegistry.metrics()}`
    }
  }
}
