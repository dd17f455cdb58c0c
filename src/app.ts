import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import type { Config } from './config/config-schema.js'
import type { Store } from './store/open-store.js'
import { addBehorigKeywords } from './http/ajv-keywords.js'
import { installErrorHandling } from './http/error-handler.js'
import { registerOpenApi } from './http/openapi.js'
import { installAuthentication } from './auth/authenticate.js'
import { resolveAdminToken } from './auth/admin-token.js'
import type { RouteAuth } from './auth/principal.js'
import { organisationRepository } from './organisations/repository.js'
import { organisationRoutes } from './organisations/routes.js'
import { apiKeyRepository } from './api-keys/repository.js'
import { apiKeyService } from './api-keys/service.js'
import { apiKeyRoutes } from './api-keys/routes.js'
import { healthRoutes } from './health/routes.js'
import type { JobQueue } from './jobs/job-queue.js'
import { sourceRoutes } from './sources/routes.js'
import { syncRoutes } from './sync/routes.js'
import { createServices, type Services } from './services.js'
import { publishCatalogs } from './catalog/service.js'
import { catalogRoutes } from './catalog/routes.js'
import { peopleRepository } from './people/repository.js'
import { peopleRoutes } from './people/routes.js'
import { unitRoutes } from './units/routes.js'
import { unitRepository } from './units/repository.js'

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
}

/** Paths pino must never print: credentials, secrets and personal identity numbers. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
  '*.password', '*.bind_password', '*.secret', '*.client_secret', '*.token', '*.key',
  '*.personal_identity_number', '*.personalIdentityNumber'
]

export async function buildApp (config: Config, deps: AppDependencies = {}): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(config, deps)).withTypeProvider<TypeBoxTypeProvider>()
  const services = await createServices(config, app.log, { ...(deps.store ? { store: deps.store } : {}), ...(deps.queue ? { queue: deps.queue } : {}) })
  const { store, queue, sources, engine } = services
  app.addHook('onClose', async () => { await services.close() })
  app.decorate('behorig', services)

  const routeSummaries: RouteSummary[] = []
  app.decorate('routeSummaries', routeSummaries)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // Read auth lazily: an encapsulated onRoute hook (public docs) may set it after this one.
      if (method !== 'HEAD') routeSummaries.push({ method, url: route.url, get auth () { return route.config?.auth } })
    }
  })
  installErrorHandling(app)
  await registerOpenApi(app)

  const organisations = organisationRepository(store.db)
  const apiKeys = apiKeyRepository(store.db)
  const admin = await resolveAdminToken(store.db, config.adminToken)
  if (admin.generated) deps.onAdminTokenGenerated?.(admin.generated)
  installAuthentication(app, { adminTokenHash: admin.hash, apiKeys })

  if (config.jobs.run) services.work()
  app.addHook('onReady', async () => { await sources.restoreSchedules() })

  const readiness = [{ name: 'store', check: () => store.ping() }]
  if (queue.kind === 'bullmq') readiness.push({ name: 'queue', check: () => queue.ping() })
  // A broken or changed catalog stops start-up; close what was opened so the process can exit.
  const catalog = await publishCatalogs(store.db, config.catalogDir).catch(async (err: unknown) => { await app.close(); throw err })
  if (catalog.recorded.length) app.log.info({ versions: catalog.recorded.map((v) => `${v.domain}@${v.version}`) }, 'published catalog versions')

  await app.register(healthRoutes, { checks: readiness })
  await app.register(catalogRoutes, { catalog: catalog.index })
  await app.register(organisationRoutes, { organisations })
  await app.register(unitRoutes, { units: unitRepository(store.db) })
  await app.register(apiKeyRoutes, { apiKeys: apiKeyService({ apiKeys, organisations }) })
  await app.register(sourceRoutes, { sources })
  await app.register(syncRoutes, { engine, sources, importLimitBytes: config.importLimit })
  await app.register(peopleRoutes, { people: peopleRepository(store.db) })
  return app
}

function serverOptions (config: Config, deps: AppDependencies): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {})
    },
    bodyLimit: config.bodyLimit,
    requestTimeout: 30_000,
    trustProxy: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID()
    },
    ajv: {
      // Reject unknown properties with a pointer rather than silently dropping them, and
      // report every failure at once so an integrator fixes a document in one round.
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true },
      plugins: [addBehorigKeywords as never]
    }
  }
}
