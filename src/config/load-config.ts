import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { EnvSchema, type Config, type Env } from './config-schema.js'
import { cronProblem } from './cron-schedule.js'
import { parseExceptions } from '../net/outbound-policy.js'
import { federationSettings } from './federation-settings.js'

export class ConfigError extends Error {
  readonly problems: string[]
  constructor (problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`)
    this.problems = problems
    this.name = 'ConfigError'
  }
}

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false })
const validateEnv = ajv.compile<Env>(EnvSchema)

/** Reads and validates the environment; a bad value names the variable and what was expected. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(EnvSchema.properties)
  const raw: Record<string, unknown> = {}
  for (const name of known) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[name] = value
  }
  if (!validateEnv(raw)) {
    const problems = (validateEnv.errors ?? []).map((e) => {
      const name = e.instancePath.slice(1) || String(e.params['missingProperty'] ?? '')
      const shown = name.endsWith('TOKEN') || name.endsWith('KEY') || name === 'DATABASE_URL' || name === 'REDIS_URL'
        ? '(value hidden)'
        : JSON.stringify(env[name])
      const description = (EnvSchema.properties as Record<string, { description?: string }>)[name]?.description
      return `${name} ${e.message ?? 'is invalid'}; got ${shown}.${description ? ` Expected: ${description}` : ''}`
    })
    throw new ConfigError(problems)
  }
  const valid = raw as Env
  if (valid.BEHORIG_KEY_PREPUBLISH_SECONDS >= valid.BEHORIG_KEY_ROTATION_SECONDS) {
    throw new ConfigError([`BEHORIG_KEY_PREPUBLISH_SECONDS (${valid.BEHORIG_KEY_PREPUBLISH_SECONDS}) must be less than BEHORIG_KEY_ROTATION_SECONDS (${valid.BEHORIG_KEY_ROTATION_SECONDS}): the next key is published that long before it signs.`])
  }
  const cron = cronProblem(valid.BEHORIG_AUDIT_CHECKPOINT_CRON)
  if (cron) throw new ConfigError([`BEHORIG_AUDIT_CHECKPOINT_CRON ${cron}`])
  const dayCron = cronProblem(valid.BEHORIG_DAY_RUN_CRON)
  if (dayCron) throw new ConfigError([`BEHORIG_DAY_RUN_CRON ${dayCron}`])
  try {
    parseExceptions(listOf(valid.BEHORIG_ALLOW_PRIVATE_FETCH))
  } catch (error) {
    throw new ConfigError([`BEHORIG_ALLOW_PRIVATE_FETCH: ${(error as Error).message}`])
  }
  const processes = processCount(valid)
  if (typeof processes === 'string') throw new ConfigError([processes])
  const federation = federationSettings(valid)
  if (federation.problems.length > 0) throw new ConfigError(federation.problems)
  return toConfig(valid, federation.settings, processes)
}

/** BEHORIG_PROCESSES as a number, or the reason it cannot be. */
function processCount (env: Env): number | string {
  const shared = env.DATABASE_URL !== undefined && env.REDIS_URL !== undefined
  if (env.BEHORIG_PROCESSES === 'auto') return shared ? availableParallelism() : 1
  const n = Number(env.BEHORIG_PROCESSES)
  if (n > 1 && !shared) return `BEHORIG_PROCESSES ${n} needs DATABASE_URL and REDIS_URL: the processes share the store, rate limits and the replay guard (the embedded store serves one process).`
  return n
}

function toConfig (env: Env, federation: Config['federation'], processes: number): Config {
  const issuer = (env.BEHORIG_ISSUER ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, '')
  return {
    port: env.PORT,
    host: env.HOST,
    issuer,
    dataDir: env.BEHORIG_DATA_DIR,
    catalogDir: env.BEHORIG_CATALOG_DIR,
    store: {
      url: env.DATABASE_URL,
      embeddedDir: env.BEHORIG_EMBEDDED_STORE ?? join(env.BEHORIG_DATA_DIR, 'pglite'),
      poolSize: env.BEHORIG_DB_POOL_SIZE
    },
    redisUrl: env.REDIS_URL,
    processes,
    adminToken: env.BEHORIG_ADMIN_TOKEN,
    metricsToken: env.BEHORIG_METRICS_TOKEN,
    keyEncryptionKey: env.BEHORIG_KEY_ENCRYPTION_KEY,
    bodyLimit: env.BEHORIG_BODY_LIMIT,
    importLimit: env.BEHORIG_IMPORT_LIMIT,
    assignmentMaxDays: env.BEHORIG_ASSIGNMENT_MAX_DAYS,
    uploadLeaseMs: env.BEHORIG_UPLOAD_LEASE_MS,
    keys: { alg: env.BEHORIG_SIGNING_ALG, rotationSeconds: env.BEHORIG_KEY_ROTATION_SECONDS, prepublishSeconds: env.BEHORIG_KEY_PREPUBLISH_SECONDS },
    jobs: { run: env.BEHORIG_RUN_JOBS, queueName: env.BEHORIG_QUEUE_NAME, stalledMs: env.BEHORIG_JOB_STALLED_MS, attempts: env.BEHORIG_JOB_ATTEMPTS, backoffMs: env.BEHORIG_JOB_BACKOFF_MS },
    shutdownTimeoutMs: env.BEHORIG_SHUTDOWN_TIMEOUT_MS,
    audit: { checkpointCron: env.BEHORIG_AUDIT_CHECKPOINT_CRON },
    dayRuns: { cron: env.BEHORIG_DAY_RUN_CRON, catchUpDays: env.BEHORIG_DAY_RUN_CATCH_UP_DAYS },
    timeouts: { requestMs: env.BEHORIG_REQUEST_TIMEOUT_MS, connectionMs: env.BEHORIG_CONNECTION_TIMEOUT_MS },
    trustProxy: trustProxy(env.BEHORIG_TRUST_PROXY),
    rateLimits: {
      windowMs: env.BEHORIG_RATE_LIMIT_WINDOW_SECONDS * 1000,
      relyingParty: env.BEHORIG_RATE_LIMIT_RELYING_PARTY,
      tokenEndpoint: env.BEHORIG_RATE_LIMIT_TOKEN_ENDPOINT,
      apiKey: env.BEHORIG_RATE_LIMIT_API_KEY,
      platformAdmin: env.BEHORIG_RATE_LIMIT_PLATFORM_ADMIN,
      anonymous: env.BEHORIG_RATE_LIMIT_ANONYMOUS,
      failedAuth: env.BEHORIG_RATE_LIMIT_FAILED_AUTH
    },
    outbound: { allowPrivate: listOf(env.BEHORIG_ALLOW_PRIVATE_FETCH) },
    federation,
    // Never on a real database unless asked for: the demo writes an organisation and a client.
    demo: env.BEHORIG_DEMO ?? env.DATABASE_URL === undefined,
    logLevel: env.LOG_LEVEL
  }
}

/** BEHORIG_TRUST_PROXY as Fastify's trustProxy option: unset → the socket peer is the client. */
function trustProxy (value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  return listOf(value)
}

function listOf (value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
}
