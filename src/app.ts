import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import type { Config } from './config/config-schema.js'
import type { Store } from './store/open-store.js'
import { addBehorigKeywords } from './http/ajv-keywords.js'
import { libraryLogger } from './http/library-logger.js'
import { installErrorHandling } from './http/error-handler.js'
import { answerClientError, installRouteErrors, MAX_PARAM_LENGTH, renderFrameworkError } from './http/framework-errors.js'
import { registerOpenApi } from './openapi/openapi-plugin.js'
import { installJsonDepthLimit } from './http/json-depth.js'
import { installCors } from './http/cors.js'
import { installRateLimits } from './http/rate-limit.js'
import { installSecurityHeaders } from './http/security-headers.js'
import { installFailedAuthLimit } from './http/failed-auth-limit.js'
import { installAuthentication } from './auth/authenticate.js'
import { resolveAdminToken } from './auth/admin-token.js'
import type { RouteAuth } from './auth/principal.js'
import { organisationRoutes } from './organisations/routes.js'
import { apiKeyRoutes } from './api-keys/routes.js'
import { healthRoutes, type ReadinessCheck } from './health/routes.js'
import { metricsRoutes } from './health/metrics-routes.js'
import { installRequestMetrics } from './metrics/request-metrics.js'
import { sha256Hex } from './auth/secrets.js'
import type { JobQueue } from './jobs/job-queue.js'
import { sourceRoutes } from './sources/routes.js'
import { syncRoutes } from './sync/routes.js'
import { createServices, type ServiceOverrides, type Services } from './services.js'
import { publishCatalogs } from './catalog/service.js'
import { catalogRoutes } from './catalog/routes.js'
import { peopleRoutes } from './people/routes.js'
import { unitRoutes } from './units/routes.js'
import { scimRoutes } from './scim/routes.js'
import { mappingRoutes } from './mapping/routes.js'
import { keyRoutes } from './keys/routes.js'
import { KEY_ROTATION_JOB, KEY_ROTATION_SCHEDULE } from './keys/service.js'
import { ATTRIBUTE_DAY_TICK_JOB } from './mapping/day-run.js'
import { relyingPartyRoutes } from './relying-parties/routes.js'
import { oauthRoutes } from './oauth/routes.js'
import { authorizationServerMetadata } from './oauth/metadata.js'
import { federationRoutes } from './federation/routes.js'
import { entityConfiguration } from './federation/entity-configuration.js'
import { statusListRoutes } from './tokens/status-list-routes.js'
import { attributeTokenRoutes } from './tokens/attribute-token-routes.js'
import { seedDemo } from './demo/demo-seed.js'
import { identityProviderRoutes } from './identity-providers/routes.js'
import { auditRoutes } from './audit-trail/routes.js'
import { approvalRoutes } from './relying-party-approvals/routes.js'
import { assignmentRoutes } from './assignments/routes.js'
import { assignmentService } from './assignments/service.js'
import { assignmentRepository } from './assignments/repository.js'
import { approvalService } from './relying-party-approvals/service.js'
import { approvalRepository } from './relying-party-approvals/repository.js'
import { relyingPartyRepository } from './relying-parties/repository.js'
import { evaluationDay } from './mapping/evaluation-day.js'
import { problemRoutes } from './problems/routes.js'
import { loadProblemDocs } from './problems/problem-docs.js'
import { AUDIT_CHECKPOINT_JOB } from './audit-trail/audit-checkpoint.js'
import { REDACTED_LOG_PATHS } from './log/redacted-paths.js'
import { ABANDONED_UPLOADS_JOB, ABANDONED_UPLOADS_SCHEDULE } from './sync/upload-janitor.js'
import { CHANGE_DRAIN_JOB, CHANGE_DRAIN_SCHEDULE } from './mapping/change-propagation.js'

export interface RouteSummary { method: string, url: string, auth: RouteAuth | undefined }

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared auth, for the route walks in the security tests. */
    routeSummaries: RouteSummary[]
    /** The running services, for entry points and tests (not a service locator: routes get what they need). */
    behorig: Services
  }
}

export interface AppDependencies {
  /** A store the caller owns (tests share one per file); otherwise buildApp opens and closes its own. */
  store?: Store
  /** Called once with a freshly generated admin token, so the entry point can print it. */
  onAdminTokenGenerated?: (token: string) => void
  /** A queue the caller owns (tests); otherwise BullMQ or in-process per REDIS_URL. */
  queue?: JobQueue
  /** Where logs go (tests capture them); stdout otherwise. */
  logStream?: NodeJS.WritableStream
  /** How relying parties' jwks_uri sets are fetched (tests trust their local CA). */
  jwksFetch?: ServiceOverrides['jwksFetch']
  /** Only for scripts/bench/tokens.ts's comparison: issuance without its audit events. Never configurable. */
  issuanceAudit?: ServiceOverrides['issuanceAudit']
  /** The mapping publish audit hook, run inside the publish transaction (see MappingServiceDeps.onPublished). */
  onMappingPublished?: ServiceOverrides['onMappingPublished']
  /** The clock effective attributes are evaluated by (tests pin the day). */
  now?: () => Date
  /** The clock OpenID Federation trust chains are judged by (tests move it past a chain's expiry). */
  federationClock?: () => number
}

export async function buildApp (config: Config, deps: AppDependencies = {}): Promise<FastifyInstance> {
  const ajvLogger = libraryLogger('ajv')
  const app = Fastify(serverOptions(config, deps, ajvLogger)).withTypeProvider<TypeBoxTypeProvider>()
  ajvLogger.attach(app.log)
  const overrides: ServiceOverrides = {}
  if (deps.store) overrides.store = deps.store
  if (deps.queue) overrides.queue = deps.queue
  if (deps.jwksFetch) overrides.jwksFetch = deps.jwksFetch
  if (deps.issuanceAudit !== undefined) overrides.issuanceAudit = deps.issuanceAudit
  if (deps.onMappingPublished) overrides.onMappingPublished = deps.onMappingPublished
  if (deps.now) overrides.now = deps.now
  if (deps.federationClock) overrides.federationClock = deps.federationClock
  const services = await createServices(config, app.log, overrides)
  const { store, queue, sources, engine, mappings } = services
  app.addHook('onClose', async () => { await services.close() })
  app.decorate('behorig', services)
  installRequestMetrics(app, services.metrics.record.request)

  const routeSummaries: RouteSummary[] = []
  app.decorate('routeSummaries', routeSummaries)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // Read auth lazily: an encapsulated onRoute hook (public docs) may set it after this one.
      if (method !== 'HEAD') routeSummaries.push({ method, url: route.url, get auth () { return route.config?.auth } })
    }
  })
  installErrorHandling(app, config.issuer)
  installRouteErrors(app)
  installJsonDepthLimit(app)
  // Before authentication: headers on refusals too, and preflights answered unauthenticated.
  await installSecurityHeaders(app)
  await installCors(app)
  await registerOpenApi(app, { issuer: config.issuer })

  const admin = await resolveAdminToken(store.db, config.adminToken)
  if (admin.generated) deps.onAdminTokenGenerated?.(admin.generated)
  installFailedAuthLimit(app, { max: config.rateLimits.failedAuth, windowMs: config.rateLimits.windowMs })
  installAuthentication(app, {
    adminTokenHash: admin.hash,
    metricsTokenHash: config.metricsToken === undefined ? undefined : sha256Hex(config.metricsToken),
    apiKeys: services.apiKeyLookup,
    accessTokens: services.tokenServices.accessTokens
  })
  await installRateLimits(app, { limits: config.rateLimits, redisUrl: config.redisUrl, namespace: config.jobs.queueName })

  if (config.jobs.run) services.work()
  app.addHook('onReady', async () => { await sources.restoreSchedules() })
  // Creates the first keys on an empty store; after that the job rotates when due.
  app.addHook('onReady', async () => {
    await services.tokenServices.keys.rotate()
    await services.tokenServices.federationKeys.rotate()
    await queue.schedule(KEY_ROTATION_JOB, KEY_ROTATION_SCHEDULE, KEY_ROTATION_JOB, {})
    await queue.schedule(AUDIT_CHECKPOINT_JOB, config.audit.checkpointCron, AUDIT_CHECKPOINT_JOB, {})
  })
  // The day job: days missed while nothing ran are enqueued now, and each tick after.
  app.addHook('onReady', async () => {
    await queue.schedule(ATTRIBUTE_DAY_TICK_JOB, config.dayRuns.cron, ATTRIBUTE_DAY_TICK_JOB, {})
    await services.dayRuns.tick()
  })
  // Changes a process died before propagating (or whose attempt failed): now, and every minute after.
  app.addHook('onReady', async () => {
    await queue.schedule(CHANGE_DRAIN_JOB, CHANGE_DRAIN_SCHEDULE, CHANGE_DRAIN_JOB, {})
    if (config.jobs.run) await services.changes.drain()
  })
  // Uploads a killed process left half-read: failed now, and by the job every minute after.
  app.addHook('onReady', async () => {
    await engine.failAbandonedUploads()
    await queue.schedule(ABANDONED_UPLOADS_JOB, ABANDONED_UPLOADS_SCHEDULE, ABANDONED_UPLOADS_JOB, {})
  })

  const readiness: ReadinessCheck[] = [{ name: 'store', check: async () => await store.ping() ? undefined : 'the store does not answer a query' }]
  if (queue.kind === 'bullmq') readiness.push({ name: 'queue', check: async () => await queue.ping() ? undefined : 'Redis does not answer' })
  readiness.push({ name: 'keys', check: async () => await services.tokenServices.keys.whyNotReady() ?? await services.tokenServices.federationKeys.whyNotReady() })
  // A broken or changed catalog stops start-up; close what was opened so the process can exit.
  const catalog = await publishCatalogs(store.db, config.catalogDir).catch(async (err: unknown) => { await app.close(); throw err })
  if (catalog.recorded.length) app.log.info({ versions: catalog.recorded.map((v) => `${v.domain}@${v.version}`) }, 'published catalog versions')

  await app.register(healthRoutes, { checks: readiness })
  await app.register(metricsRoutes, { scrape: services.metrics.scrape, contentType: services.metrics.contentType })
  await app.register(problemRoutes, { issuer: config.issuer, docs: loadProblemDocs() })
  await app.register(catalogRoutes, { catalog: catalog.index })
  await app.register(organisationRoutes, { organisations: services.organisations })
  await app.register(identityProviderRoutes, { identityProviders: services.identityProviders })
  await app.register(unitRoutes, { units: services.units })
  await app.register(apiKeyRoutes, { apiKeys: services.apiKeys })
  await app.register(sourceRoutes, { sources, importSnapshot: engine.importSnapshot, importLimitBytes: config.importLimit })
  await app.register(syncRoutes, { engine, sources })
  await app.register(scimRoutes, { prefix: '/scim/v2', scim: services.scim })
  await app.register(peopleRoutes, { people: services.people, explain: mappings.explain })
  await app.register(mappingRoutes, { mappings })
  const assignments = assignmentService({
    assignments: assignmentRepository(store.db),
    organisations: services.organisations,
    assignable: mappings.assignable,
    propagate: (change) => services.changes.process(change),
    maxDays: config.assignmentMaxDays,
    today: () => evaluationDay(deps.now?.() ?? new Date())
  })
  await app.register(assignmentRoutes, { assignments })
  const { tokenServices } = services
  await app.register(keyRoutes, { keys: tokenServices.keys })
  await app.register(relyingPartyRoutes, { relyingParties: tokenServices.relyingParties })
  const approvals = approvalService({
    approvals: approvalRepository(store.db),
    organisations: services.organisations,
    findRelyingParty: relyingPartyRepository(store.db).find,
    knownAttribute: (id) => catalog.index.has(id),
    setStatus: tokenServices.statusLists.setStatus,
    today: () => evaluationDay(deps.now?.() ?? new Date())
  })
  await app.register(approvalRoutes, { approvals })
  // After the keys exist; the HR import it makes runs on this process's in-process jobs.
  if (config.demo) app.addHook('onReady', async () => { await seedDemo(services, approvals, { dataDir: config.dataDir, issuer: config.issuer }, app.log) })
  await app.register(oauthRoutes, { issuer: config.issuer, authenticateClient: tokenServices.authenticateClient, grants: tokenServices.grants, subjectTokenTypes: tokenServices.subjectTokenTypes })
  await app.register(federationRoutes, {
    entityConfiguration: entityConfiguration({
      issuer: config.issuer,
      keys: tokenServices.federationKeys,
      authorizationServer: () => authorizationServerMetadata(config.issuer, tokenServices.grants.keys(), tokenServices.subjectTokenTypes),
      organizationName: config.federation.organizationName,
      authorityHints: config.federation.authorityHints,
      lifetimeSeconds: config.federation.statementSeconds
    })
  })
  await app.register(statusListRoutes, { statusLists: tokenServices.statusLists })
  await app.register(attributeTokenRoutes, { attributeTokens: tokenServices.attributeTokens, refreshParty: tokenServices.federatedClients.refresh })
  await app.register(auditRoutes, { audit: services.audit })
  return app
}

function serverOptions (config: Config, deps: AppDependencies, ajvLogger: ReturnType<typeof libraryLogger>): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {})
    },
    bodyLimit: config.bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: answerClientError,
    requestTimeout: config.timeouts.requestMs,
    connectionTimeout: config.timeouts.connectionMs,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID()
    },
    ajv: {
      // Reject unknown properties with a pointer rather than silently dropping them, and
      // report every failure at once so an integrator fixes a document in one round.
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true, logger: ajvLogger },
      plugins: [addBehorigKeywords as never]
    },
    serializerOpts: { ajv: { logger: ajvLogger } }
  }
}
