/**
 * Jobs are plain functions registered by name (src/job-handlers.ts). Two queues run them: BullMQ
 * on Redis when REDIS_URL is set (bullmq-queue.ts, the only module importing BullMQ), and an
 * in-process queue otherwise, so the embedded default still syncs.
 */
export interface JobAttempt { number: number, final: boolean }
export type JobHandler = (payload: Record<string, unknown>, attempt: JobAttempt) => Promise<void>
export type JobHandlers = Readonly<Record<string, JobHandler>>

export interface EnqueueOptions {
  /** Deduplicates: a job id already queued or running is not added again. */
  jobId?: string
}

/**
 * How many jobs are in each state (for the metrics, read at scrape time). `failed`: failed
 * for good (BullMQ keeps them; the in-process queue counts them since the process started).
 * `stalled`: jobs this process's workers found stalled since it started (BullMQ's stalled
 * check; never in-process, where a job dies with its process).
 */
export interface JobCounts { waiting: number, active: number, delayed: number, failed: number, stalled: number }

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process'
  enqueue (name: string, payload: Record<string, unknown>, options?: EnqueueOptions): Promise<void>
  /** Creates or replaces a repeatable job under `key`, run on the cron `pattern`. */
  schedule (key: string, pattern: string, name: string, payload: Record<string, unknown>): Promise<void>
  unschedule (key: string): Promise<void>
  /** When the repeatable job under `key` next runs, or undefined when there is none. */
  nextRun (key: string): Promise<Date | undefined>
  /** Starts processing with these handlers (an API node or a worker). Fails on an unknown or missing handler. */
  work (handlers: JobHandlers): void
  ping (): Promise<boolean>
  counts (): Promise<JobCounts>
  close (): Promise<void>
}

export interface RetryPolicy { attempts: number, backoffMs: number }

/** The handler registered under `name`: own members only, so `constructor` or `toString` names no job. */
export function handlerFor (handlers: JobHandlers, name: string): JobHandler | undefined {
  return Object.hasOwn(handlers, name) ? handlers[name] : undefined
}

/** Start-up check: every job name the code enqueues has exactly one handler. */
export function checkHandlers (names: readonly string[], handlers: JobHandlers): void {
  const missing = names.filter((n) => typeof handlerFor(handlers, n) !== 'function')
  const extra = Object.keys(handlers).filter((n) => !names.includes(n))
  if (missing.length || extra.length) {
    throw new Error(`job handlers do not match job names: missing [${missing.join(', ')}], unknown [${extra.join(', ')}]`)
  }
}
