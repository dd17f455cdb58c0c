import { CronExpressionParser } from 'cron-parser'
import { handlerFor, type EnqueueOptions, type JobCounts, type JobHandlers, type JobQueue } from './job-queue.js'
import type { RetryPolicy } from './job-queue.js'
import type { Logger } from '../log/logger.js'

const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Runs jobs in this process: the embedded default. Same handlers, same retries with
 * backoff; schedules use the same cron syntax. Nothing survives a restart, which is why
 * sync runs keep their own state in the store.
 */
export function inProcessQueue (log: Pick<Logger, 'error'>, retry: RetryPolicy): JobQueue & { idle (): Promise<void> } {
  let handlers: JobHandlers | undefined
  const active = new Set<string>()
  const pending = new Set<Promise<void>>()
  const timers = new Map<string, NodeJS.Timeout>()
  const nextRuns = new Map<string, Date>()
  /** Jobs by state, for counts(): enqueued and not yet started, running, waiting to be retried, failed for good. */
  const tally = { waiting: 0, active: 0, delayed: 0, failed: 0 }
  let closed = false

  function track (p: Promise<void>): void {
    pending.add(p)
    void p.finally(() => pending.delete(p))
  }

  async function runWithRetries (name: string, payload: Record<string, unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await tryOnce(name, payload, attempt)
      if (!failure) return
      if (attempt >= retry.attempts || closed) {
        log.error({ err: failure.err, job: name, attempt }, 'job failed for good')
        tally.failed += 1
        return
      }
      tally.delayed += 1
      await new Promise((resolve) => setTimeout(resolve, retry.backoffMs * 2 ** (attempt - 1)))
      tally.delayed -= 1
    }
  }

  /** One attempt: undefined when it succeeded, else what it threw. */
  async function tryOnce (name: string, payload: Record<string, unknown>, attempt: number): Promise<{ err: unknown } | undefined> {
    tally.active += 1
    try {
      const handler = handlers && handlerFor(handlers, name)
      if (!handler) throw new Error(`no handler for job ${name}`)
      await handler(payload, { number: attempt, final: attempt >= retry.attempts })
      return undefined
    } catch (err) {
      return { err }
    } finally {
      tally.active -= 1
    }
  }

  return {
    kind: 'in-process',
    async enqueue (name, payload, options: EnqueueOptions = {}) {
      if (closed) throw new Error('queue closed')
      const id = options.jobId
      if (id && active.has(id)) return
      if (id) active.add(id)
      tally.waiting += 1
      // setImmediate: the caller's transaction and response finish before the job starts.
      track(new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => { tally.waiting -= 1; return runWithRetries(name, payload) })
        .finally(() => { if (id) active.delete(id) }))
    },
    async schedule (key, pattern, name, payload) {
      // Runs to its end at once and cannot fail; awaiting it would let a second schedule() of this key arm in between.
      void this.unschedule(key)
      const arm = (): void => {
        if (closed) return
        const next = CronExpressionParser.parse(pattern).next().getTime()
        nextRuns.set(key, new Date(next))
        const wait = (): void => {
          const left = next - Date.now()
          // setTimeout waits at most 2^31-1 ms (about 24.8 days) and fires at once when asked for longer.
          if (left > MAX_TIMER_MS) timers.set(key, setTimeout(wait, MAX_TIMER_MS))
          else timers.set(key, setTimeout(() => { void this.enqueue(name, payload, { jobId: `schedule:${key}` }); arm() }, Math.max(0, left)))
        }
        wait()
      }
      arm()
    },
    async unschedule (key) {
      clearTimeout(timers.get(key))
      timers.delete(key)
      nextRuns.delete(key)
    },
    async nextRun (key) { return nextRuns.get(key) },
    work (h) { handlers = h },
    async ping () { return !closed },
    async counts (): Promise<JobCounts> { return { ...tally, stalled: 0 } },
    /** Resolves once every job enqueued so far has finished (tests and graceful shutdown). */
    async idle () { while (pending.size > 0) await Promise.allSettled([...pending]) },
    async close () {
      closed = true
      for (const t of timers.values()) clearTimeout(t)
      timers.clear()
      await this.idle()
    }
  }
}
