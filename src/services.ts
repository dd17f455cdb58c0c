import type { Config } from './config/config-schema.js'
import { openStore, type Store } from './store/open-store.js'
import { resolveKeyEncryptionKey } from './crypto/key-encryption-key.js'
import { secretBox, type SecretBox } from './crypto/secret-box.js'
import { openQueue } from './jobs/open-queue.js'
import { jobHandlers } from './job-handlers.js'
import { createTokenServices, type TokenServiceOptions, type TokenServices } from './token-services.js'
import type { JobQueue } from './jobs/job-queue.js'
import { sourceRepository } from './sources/repository.js'
import { sourceService, type SourceService } from './sources/service.js'
import { ldapConnector } from './directory/ldap-connector.js'
import { ldapReader } from './directory/ldap-reader.js'
import { outboundGuard } from './net/outbound-guard.js'
import { hrUrlConnector } from './sources/hr-url-connector.js'
import { syncEngine, type SyncEngine } from './sync/sync-engine.js'
import { mappingService, type MappingService, type MappingServiceDeps } from './mapping/service.js'
import { storedCatalogSource } from './mapping/catalog-source.js'
import { dayRuns as dayRunService, type DayRuns } from './mapping/day-run.js'
import { changePropagation, type ChangePropagation } from './mapping/change-propagation.js'
import { KEY_ROTATION_CHANNEL } from './keys/repository.js'
import { auditRepository } from './audit-trail/repository.js'
import { auditService, type AuditService } from './audit-trail/service.js'
import { writeCheckpoint } from './audit-trail/audit-checkpoint.js'
import type { Logger } from './log/logger.js'
import { relyingPartyRepository } from './relying-parties/repository.js'
import { organisationRepository, type OrganisationRepository } from './organisations/repository.js'
import { apiKeyRepository, type ApiKeyRepository } from './api-keys/repository.js'
import { apiKeyService, type ApiKeyService } from './api-keys/service.js'
import type { IdentityProviderService } from './identity-providers/service.js'
import { unitRepository, type UnitRepository } from './units/repository.js'
import { peopleRepository, type PeopleRepository } from './people/repository.js'
import { scimService, type ScimService } from './scim/service.js'
import { createMetrics, type Metrics } from './metrics/metrics-registry.js'
import type { StateReaders } from './metrics/state-gauges.js'
import { auditAppendDurations } from './audit/audit-log.js'
import { outboxRepository } from './outbox/outbox-repository.js'
import { statusListRepository } from './tokens/status-list-repository.js'
import { runRepository } from './sync/run-repository.js'
import type { KeyService } from './keys/service.js'

export interface Services {
  store: Store
  box: SecretBox
  queue: JobQueue
  sources: SourceService
  engine: SyncEngine
  /** Mapping versions and effective attributes; `mappings.events` emits revocations. */
  mappings: MappingService
  /** The day job: each organisation's people whose employments began or ended, recomputed after midnight. */
  dayRuns: DayRuns
  /** Change propagation through the outbox: recompute, then revoke, for each committed change. */
  changes: ChangePropagation
  /** Signing keys, relying parties, client authentication, access tokens, status lists. */
  tokenServices: TokenServices
  organisations: OrganisationRepository
  /** API keys as the admin API manages them; `apiKeyLookup` is what authentication reads. */
  apiKeys: ApiKeyService
  apiKeyLookup: ApiKeyRepository
  identityProviders: IdentityProviderService
  units: UnitRepository
  people: PeopleRepository
  scim: ScimService
  /** Reading and verifying the audit log. */
  audit: AuditService
  /** This process's metrics: where the services report, and what GET /metrics renders. */
  metrics: Metrics
  /** Signs an audit checkpoint unless no chain moved (the checkpoint job). */
  auditCheckpoint (): ReturnType<typeof writeCheckpoint>
  /** Starts working on jobs in this process. */
  work (): void
  close (): Promise<void>
}

export interface ServiceOverrides {
  /** How relying parties' jwks_uri sets are fetched (tests trust a local CA). */
  jwksFetch?: TokenServiceOptions['jwksFetch']
  /** See TokenServiceOptions.issuanceAudit. */
  issuanceAudit?: TokenServiceOptions['issuanceAudit']
  store?: Store
  queue?: JobQueue
  /** The mapping publish audit hook (see MappingServiceDeps.onPublished). */
  onMappingPublished?: MappingServiceDeps['onPublished']
  /** The evaluation clock for effective attributes (tests pin it). */
  now?: () => Date
  /** The clock trust chains are judged by (tests move it). */
  federationClock?: () => number
}

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
  // Read at scrape time; the token services it reads the keys of are built below.
  const metrics = createMetrics(stateReaders(store, queue, () => [['token', tokenServices.keys], ['federation', tokenServices.federationKeys]]))
  const unsubscribeAudit = auditAppendDurations.subscribe(metrics.record.auditAppend)
  // Every outbound fetch and directory connection goes through this one guard.
  const outbound = outboundGuard({ allowPrivate: config.outbound.allowPrivate, log })
  const sources = sourceService({
    sources: sourceRepository(store.db),
    box,
    queue,
    outbound,
    connectorFor: (_org, source, state) => hrUrlConnector(source, outbound, { maxBytes: config.importLimit }) ?? ldapConnector(source, state, (settings) => ldapReader(settings, outbound))
  })
  const engine = syncEngine({
    db: store.db,
    box,
    queue,
    log,
    uploadLeaseMs: config.uploadLeaseMs,
    issuer: config.issuer,
    sourceOf: (org, id) => sources.runtime(org, id),
    observe: (run) => { metrics.record.syncRunFinished(run.kind, run.state, run.seconds) }
  })
  const mappings = mappingService({
    db: store.db,
    catalogs: storedCatalogSource(),
    log,
    observeRecompute: metrics.record.recompute,
    ...(overrides.onMappingPublished ? { onPublished: overrides.onMappingPublished } : {}),
    ...(overrides.now ? { now: overrides.now } : {})
  })
  const changes = changePropagation({ db: store.db, mappings, log })
  // The people a run changed are recomputed, and with them those whose employments began
  // or ended since the organisation was last evaluated (every run, even one that changed
  // no one). The run committed that as a change in the outbox: if this fails, or the
  // process dies first, the outbox's drain does it.
  engine.events.subscribe(async ({ change }) => { await changes.process(change) })
  const dayRuns = dayRunService({
    db: store.db,
    mappings,
    enqueue: (name, payload) => queue.enqueue(name, payload),
    catchUpDays: config.dayRuns.catchUpDays,
    ...(overrides.now ? { now: overrides.now } : {})
  })
  const tokenServices = createTokenServices(config, { db: store.db, box, outbound, log }, {
    ...(overrides.jwksFetch ? { jwksFetch: overrides.jwksFetch } : {}),
    ...(overrides.jwksFetch?.ca ? { metadataFetch: { ca: overrides.jwksFetch.ca } } : {}),
    ...(overrides.issuanceAudit !== undefined ? { issuanceAudit: overrides.issuanceAudit } : {}),
    ...(overrides.now ? { evaluationClock: overrides.now } : {}),
    ...(overrides.federationClock ? { federationClock: overrides.federationClock } : {}),
    observeIssuance: { issued: metrics.record.tokenIssued, refused: metrics.record.tokenRefused }
  })
  // A rotation in another process (or by an admin through it) drops this process's cached
  // signers at once, so no process signs with a key that has just been retired.
  const stopListening = await store.listen(KEY_ROTATION_CHANNEL, () => {
    tokenServices.keys.forget()
    tokenServices.federationKeys.forget()
  })
  // Awaited by the recompute that emitted it: a lost attribute's live tokens are marked
  // invalid before the recompute (and so the sync run or publish) returns.
  mappings.events.subscribe(async (event) => { await tokenServices.attributeTokens.revoke(event) })
  const audits = auditRepository(store.db)
  const relyingParties = relyingPartyRepository(store.db)
  const audit = auditService({
    audit: audits,
    relyingPartyName: async (clientId) => (await relyingParties.find(clientId))?.document.name,
    verified: (v) => { metrics.record.auditVerified(v.ok ? 'intact' : v.first_broken?.reason ?? 'broken') }
  })
  const auditCheckpoint = () => writeCheckpoint({ audit: audits, keys: tokenServices.keys, issuer: config.issuer })
  const organisations = organisationRepository(store.db)
  const apiKeyLookup = apiKeyRepository(store.db)
  return {
    store,
    box,
    queue,
    sources,
    engine,
    mappings,
    dayRuns,
    changes,
    tokenServices,
    organisations,
    apiKeys: apiKeyService({ apiKeys: apiKeyLookup, organisations }),
    apiKeyLookup,
    identityProviders: tokenServices.identityProviders,
    units: unitRepository(store.db),
    people: peopleRepository(store.db),
    scim: scimService({ db: store.db, engine, issuer: config.issuer }),
    audit,
    metrics,
    auditCheckpoint,
    work: () => queue.work(jobHandlers({ engine, keys: tokenServices.keys, federationKeys: tokenServices.federationKeys, auditCheckpoint, dayRuns, changes })),
    async close () {
      unsubscribeAudit()
      changes.close()
      await stopListening()
      await queue.close()
      await tokenServices.close()
      if (!overrides.store) await store.close()
    }
  }
}

/** Where the metrics read the state they show at each scrape. */
function stateReaders (store: Store, queue: JobQueue, keys: () => Array<[purpose: string, keys: KeyService]>): StateReaders {
  return {
    queue: () => queue.counts(),
    outbox: () => outboxRepository(store.db).backlog(),
    statusLists: () => statusListRepository(store.db).usage(),
    syncRuns: () => runRepository(store.db).operationalCounts(),
    async signingKeys () {
      const status = []
      for (const [purpose, service] of keys()) {
        const rotation = await service.rotationStatus()
        if (rotation) status.push({ purpose, ...rotation })
      }
      return status
    },
    storePool: store.pool
  }
}
