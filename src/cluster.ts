import cluster, { type Worker } from 'node:cluster'
import type { Logger } from './log/logger.js'
import { aggregateClusterMetrics } from './metrics/cluster-metrics.js'

/** What an API process tells its supervisor once it accepts connections. */
export const LISTENING_MESSAGE = { behorig: 'listening' } as const

/** A supervisor gives up when processes keep dying this soon after one another: a broken start, not bad luck. */
const CRASH_LOOP = { deaths: 5, withinMs: 60_000 }

/**
 * BEHORIG_PROCESSES > 1: this process supervises that many API processes serving one port
 * (node:cluster hands each new connection to one of them in turn). The first starts alone,
 * so migrations, catalog publication and the first signing keys happen once; the others
 * start after it listens. One that dies is replaced, and only its own in-flight requests
 * fail. GET /metrics answers with every process's counters summed (metrics/cluster-metrics.ts). SIGTERM or SIGINT is passed to every process, which drains and exits; the
 * supervisor exits when they all have.
 */
export async function superviseProcesses (count: number, log: Pick<Logger, 'info' | 'error'>): Promise<void> {
  let stopping = false
  const deaths: number[] = []
  // A scrape of /metrics reaches one process, which asks here for all of theirs.
  aggregateClusterMetrics()

  const start = (): Promise<Worker> => new Promise((resolve, reject) => {
    const worker = cluster.fork()
    const onExit = (code: number | null, signal: string | null): void => { reject(new Error(`an API process exited before it listened (code ${code}, signal ${signal})`)) }
    worker.once('exit', onExit)
    worker.on('message', (message: unknown) => {
      if ((message as { behorig?: unknown } | null)?.behorig !== LISTENING_MESSAGE.behorig) return
      worker.off('exit', onExit)
      resolve(worker)
    })
  })

  const stopAll = (signal: NodeJS.Signals): void => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal)
  }

  try {
    await start()
    await Promise.all(Array.from({ length: count - 1 }, start))
  } catch (err) {
    log.error({ err }, 'API processes failed to start')
    stopAll('SIGTERM')
    process.exitCode = 1
    return
  }
  log.info({ processes: count }, 'API processes listening')

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0)
      return
    }
    const now = Date.now()
    deaths.push(now)
    while (deaths.length > 0 && (deaths[0] as number) < now - CRASH_LOOP.withinMs) deaths.shift()
    log.error({ pid: worker.process.pid, code, signal }, 'an API process died; starting another')
    if (deaths.length >= CRASH_LOOP.deaths) {
      log.error({ deaths: deaths.length, within_ms: CRASH_LOOP.withinMs }, 'API processes keep dying; stopping')
      process.exitCode = 1
      stopAll('SIGTERM')
      return
    }
    start().catch((err: unknown) => { log.error({ err }, 'a replacement API process failed to start') })
  })
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'stopping API processes')
      stopAll(signal)
    })
  }
}
