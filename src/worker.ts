import pino from 'pino'
import { loadConfig, ConfigError } from './config/load-config.js'
import { createServices } from './services.js'
import { REDACTED_LOG_PATHS } from './log/redacted-paths.js'

/**
 * Job runner: works on the BullMQ queue beside (or instead of) the API nodes. Several can
 * run at once; BullMQ hands each job to one of them, and a run's own state guards the rest.
 */
async function main (): Promise<void> {
  const config = loadConfig()
  if (!config.redisUrl) throw new ConfigError(['REDIS_URL is required for a separate worker; without it the API runs jobs in-process.'])
  const log = pino({ level: config.logLevel, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } })
  const services = await createServices(config, log)
  services.work()
  // What a process that died left owed in the change outbox is propagated now, not at the next tick.
  await services.changes.drain()
  log.info({ queue: config.jobs.queueName }, 'worker ready')
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'worker stopping')
    await services.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => { void stop('SIGTERM') })
  process.once('SIGINT', () => { void stop('SIGINT') })
}

main().catch((err: unknown) => {
  process.stderr.write((err instanceof Error ? err.message : String(err)) + '\n')
  process.exit(err instanceof ConfigError ? 78 : 1)
})
