import { loadConfig, ConfigError } from './config/load-config.js'
import { openStore } from './store/open-store.js'

/**
 * Job runner entry point. Sync jobs register here when the sync engine lands; for now it
 * validates configuration, migrates the store and waits for SIGTERM so deployments can
 * already run it beside the API.
 */
async function main (): Promise<void> {
  const config = loadConfig()
  if (!config.redisUrl) throw new ConfigError(['REDIS_URL is required for a separate worker; without it the API runs jobs in-process.'])
  const store = await openStore(config.store)
  const stop = async (): Promise<void> => { await store.close(); process.exit(0) }
  process.once('SIGTERM', () => { void stop() })
  process.once('SIGINT', () => { void stop() })
}

main().catch((err: unknown) => {
  process.stderr.write((err instanceof Error ? err.message : String(err)) + '\n')
  process.exit(err instanceof ConfigError ? 78 : 1)
})
