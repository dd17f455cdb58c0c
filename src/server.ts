import cluster from 'node:cluster'
import closeWithGrace from 'close-with-grace'
import pino from 'pino'
import { buildApp } from './app.js'
import { LISTENING_MESSAGE, superviseProcesses } from './cluster.js'
import { ConfigError, loadConfig } from './config/load-config.js'

/**
 * Listens, and on SIGTERM/SIGINT stops accepting, drains in-flight requests and closes
 * pools. With BEHORIG_PROCESSES > 1 this process supervises that many that do (cluster.ts).
 */
async function main (): Promise<void> {
  const config = loadConfig()
  if (config.processes > 1 && cluster.isPrimary) {
    await superviseProcesses(config.processes, pino({ level: config.logLevel }))
    return
  }
  const app = await buildApp(config, {
    onAdminTokenGenerated: (token) => {
      // Deliberately not through the logger: logs are shipped elsewhere, this is shown once.
      process.stderr.write(`\nGenerated platform admin token (shown once, only its hash is stored):\n  ${token}\n\n`)
    }
  })
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async function shutdown ({ signal, err }) {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  await app.listen({ port: config.port, host: config.host })
  if (cluster.isWorker) process.send?.(LISTENING_MESSAGE)
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(err.message + '\n')
    process.exit(78) // EX_CONFIG
  }
  process.stderr.write(`behorig failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
