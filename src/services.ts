import type { Config } from './config/config-schema.js'
import { openStore, type Store } from './store/open-store.js'
import { resolveKeyEncryptionKey } from './crypto/key-encryption-key.js'
import { secretBox, type SecretBox } from './crypto/secret-box.js'
import { openQueue } from './jobs/open-queue.js'
import { jobHandlers } from './jobs/job-handlers.js'
import type { JobQueue } from './jobs/job-queue.js'
import { sourceRepository } from './sources/repository.js'
import { sourceService, type SourceService } from './sources/service.js'
import { ldapConnector } from './directory/ldap-connector.js'
import { hrUrlConnector } from './sources/hr-url-connector.js'
import { syncEngine, type SyncEngine } from './sync/sync-engine.js'

interface Logger { error (o: object, m: string): void, info (o: object, m: string): void, warn (o: object, m: string): void }

export interface Services {
  store: Store
  box: SecretBox
  queue: JobQueue
  sources: SourceService
  engine: SyncEngine
  /** Starts working on jobs in this process. */
  work (): void
  close (): Promise<void>
}

export interface ServiceOverrides { store?: Store, queue?: JobQueue }

/**
 * Everything behind the HTTP layer, built the same way for the API (app.ts) and for job
 * workers (worker.ts), so a worker runs exactly the production code paths.
 */
export async function createServices (config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Services> {
  const store = overrides.store ?? await openStore(config.store)
  const kek = resolveKeyEncryptionKey(config.keyEncryptionKey, config.dataDir)
  if (kek.source === 'generated') log.warn({ file: kek.file }, 'generated a key-encryption key; production must set BEHORIG_KEY_ENCRYPTION_KEY')
  const box = secretBox(kek.key)
  const queue = overrides.queue ?? openQueue(config, log)
  const sources = sourceService({ sources: sourceRepository(store.db), box, queue, connectorFor: (_org, source, state) => hrUrlConnector(source) ?? ldapConnector(source, state) })
  const engine = syncEngine({ db: store.db, box, queue, log, sourceOf: (org, id) => sources.runtime(org, id) })
  return {
    store,
    box,
    queue,
    sources,
    engine,
    work: () => queue.work(jobHandlers({ engine })),
    async close () {
      await queue.close()
      if (!overrides.store) await store.close()
    }
  }
}
