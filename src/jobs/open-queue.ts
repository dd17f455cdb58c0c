import type { Config } from '../config/config-schema.js'
import { bullmqQueue } from './bullmq-queue.js'
import { inProcessQueue } from './in-process-queue.js'
import type { JobQueue } from './job-queue.js'
import type { Logger } from '../log/logger.js'

/** BullMQ when REDIS_URL is set, else the in-process queue. */
export function openQueue (config: Config, log: Pick<Logger, 'error'>): JobQueue {
  const retry = { attempts: config.jobs.attempts, backoffMs: config.jobs.backoffMs }
  return config.redisUrl
    ? bullmqQueue({ redisUrl: config.redisUrl, queueName: config.jobs.queueName, stalledIntervalMs: config.jobs.stalledMs, retry })
    : inProcessQueue(log, retry)
}
