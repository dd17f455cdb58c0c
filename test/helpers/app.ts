import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDependencies } from '../../src/app.js'
import { loadConfig } from '../../src/config/load-config.js'
import type { Config } from '../../src/config/config-schema.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { freshDatabaseUrl } from './services.js'
import { randomOrganisationNumber } from './identifiers.js'

export const ADMIN_TOKEN = 'test-platform-admin-token-0123456789abcdef'
/** A fixed key-encryption key, so tests never write one into ./data. */
export const TEST_KEK = Buffer.alloc(32, 7).toString('base64url')
export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` }

export type StoreKind = 'postgres' | 'pglite'

/** Configuration as production reads it, from an environment the test states. */
export function testConfig (env: Record<string, string> = {}): Config {
  // The day job's hourly tick would recompute (and audit) every test organisation whenever a run crosses five past the hour: tests that want it say so.
  return loadConfig({ LOG_LEVEL: 'silent', BEHORIG_DAY_RUN_CRON: '0 0 1 1 *', BEHORIG_ADMIN_TOKEN: ADMIN_TOKEN, BEHORIG_EMBEDDED_STORE: 'memory://', BEHORIG_KEY_ENCRYPTION_KEY: TEST_KEK, BEHORIG_JOB_ATTEMPTS: '2', BEHORIG_JOB_BACKOFF_MS: '20', BEHORIG_DEMO: 'false', ...env })
}

/** The store app tests run on: real PostgreSQL when the test services give one, else PGlite. */
export function defaultStoreKind (): StoreKind {
  return process.env['DATABASE_URL'] ? 'postgres' : 'pglite'
}

/** A store of its own for this test file: a fresh PostgreSQL database, or in-memory PGlite. Closed at teardown. */
export async function openTestStore (kind: StoreKind = defaultStoreKind()): Promise<Store> {
  if (kind === 'pglite') {
    const store = await openStore({ url: undefined, embeddedDir: 'memory://', poolSize: 1 })
    t.teardown(() => store.close())
    return store
  }
  const database = await freshDatabaseUrl()
  const store = await openStore({ url: database.url, embeddedDir: '', poolSize: 5 })
  t.teardown(async () => { await store.close(); await database.drop() })
  return store
}

export interface TestApp {
  app: FastifyInstance
  store: Store
  /** Creates an organisation with a random valid number and returns the number. */
  createOrganisation (name?: string): Promise<string>
  /** Creates an API key for `org` with `scopes` and returns its bearer headers. */
  apiKeyHeaders (org: string, scopes: string[]): Promise<{ authorization: string }>
}

export async function buildTestApp (store: Store, env: Record<string, string> = {}, deps: AppDependencies = {}): Promise<TestApp> {
  const app = await buildApp(testConfig(env), { store, ...deps })
  t.teardown(() => app.close())
  return {
    app,
    store,
    async createOrganisation (name = 'Exempelkommun') {
      const number = randomOrganisationNumber()
      const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${number}`, headers: adminHeaders, payload: { name, kind: 'municipality' } })
      if (res.statusCode !== 201) throw new Error(`creating organisation failed: ${res.statusCode} ${res.body}`)
      return number
    },
    async apiKeyHeaders (org, scopes) {
      const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes } })
      if (res.statusCode !== 201) throw new Error(`creating API key failed: ${res.statusCode} ${res.body}`)
      return { authorization: `Bearer ${(res.json() as { key: string }).key}` }
    }
  }
}
