import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { handlerFor, type EnqueueOptions, type JobCounts, type JobHandlers, type JobQueue } from './job-queue.js'
import type { RetryPolicy } from './job-queue.js'

export interface BullmqOptions {
  redisUrl: string
  /** Queue name; tests use their own so parallel files never share jobs. */
  queueName?: string
  concurrency?: number
  /** How soon a job of a killed worker is handed to another (BullMQ's stalled check). */
  stalledIntervalMs?: number
  retry: RetryPolicy
}

/** BullMQ on Redis: the only module that imports BullMQ. */
export function bullmqQueue (options: BullmqOptions): JobQueue {
  const name = options.queueName ?? 'behorig'
  // BullMQ needs maxRetriesPerRequest: null on connections its workers block on.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false })
  connection.on('error', () => { /* reconnects; readiness reports it */ })
  const queue = new Queue(name, {
    connection,
    defaultJobOptions: {
      attempts: options.retry.attempts,
      backoff: { type: 'exponential', delay: options.retry.backoffMs },
      removeOnComplete: { count: 1000 },
      removeOnFail: false // failed jobs stay for inspection
    }
  })
  const workers: Worker[] = []
  // A worker does not close a connection it was given: close() disconnects them.
  const workerConnections: Redis[] = []
  let stalled = 0

  function workerConnection (): Redis {
    const c = connection.duplicate({ maxRetriesPerRequest: null })
    workerConnections.push(c)
    return c
  }

  return {
    kind: 'bullmq',
    async enqueue (jobName, payload, opts: EnqueueOptions = {}) {
      await queue.add(jobName, payload, opts.jobId ? { jobId: opts.jobId } : {})
    },
    async schedule (key, pattern, jobName, payload) {
      await queue.upsertJobScheduler(key, { pattern }, { name: jobName, data: payload })
    },
    async unschedule (key) {
      await queue.removeJobScheduler(key)
    },
    async nextRun (key) {
      const scheduler = await queue.getJobScheduler(key)
      return scheduler?.next ? new Date(scheduler.next) : undefined
    },
    work (handlers: JobHandlers) {
      const worker = new Worker(name, async (job) => {
        const handler = handlerFor(handlers, job.name)
        if (!handler) throw new Error(`no handler for job ${job.name}`)
        // Errors propagate: BullMQ's retries and backoff depend on it.
        const attempt = job.attemptsMade + 1
        await handler(job.data as Record<string, unknown>, { number: attempt, final: attempt >= (job.opts.attempts ?? 1) })
      }, {
        connection: workerConnection(),
        concurrency: options.concurrency ?? 4,
        ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs, lockDuration: options.stalledIntervalMs } : {})
      })
      worker.on('error', () => { /* connection errors: the worker reconnects */ })
      worker.on('stalled', () => { stalled += 1 })
      workers.push(worker)
    },
    async ping () {
      try { return (await connection.ping()) === 'PONG' } catch { return false }
    },
    async counts (): Promise<JobCounts> {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed')
      return { waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, failed: c['failed'] ?? 0, stalled }
    },
    async close () {
      await Promise.all(workers.map((w) => w.close()))
      await queue.close()
      for (const c of workerConnections) c.disconnect()
      connection.disconnect()
    }
  }
}
