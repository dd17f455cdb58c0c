import { Type, type Static } from 'typebox'

/**
 * Every environment variable the service reads, with its default and meaning. This one
 * schema validates the environment at start-up and is the source of the README's table.
 */
export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on (0 picks a free one).' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on.' }),
  BEHORIG_ISSUER: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', description: 'Public base URL without a trailing slash; the `iss` of every token. Defaults to http://HOST:PORT.' })),
  BEHORIG_DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Directory for the embedded store, generated keys and demo files.' }),
  BEHORIG_EMBEDDED_STORE: Type.Optional(Type.String({ minLength: 1, description: 'Where the embedded PGlite store keeps its data when DATABASE_URL is unset: a directory, or `memory://` for a throwaway in-memory store. Defaults to BEHORIG_DATA_DIR/pglite.' })),
  BEHORIG_CATALOG_DIR: Type.Optional(Type.String({ minLength: 1, description: 'Folder of catalog files (<domain>/<version>.yaml). Defaults to the attribute-catalog/ folder shipped with the service.' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection URL; unset means the embedded PGlite store.' })),
  BEHORIG_DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 500, default: 10, description: 'Maximum PostgreSQL connections per process.' }),
  BEHORIG_PROCESSES: Type.String({ pattern: '^(auto|[1-9][0-9]?)$', default: '1', description: 'How many API processes serve the port (node:cluster; one supervisor restarts any that dies): a number, or `auto` for one per core. More than one needs DATABASE_URL and REDIS_URL, which the processes share (the embedded store serves one process; rate limits and the replay guard must be shared); `auto` without them is 1.' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis URL for BullMQ jobs; unset means jobs run in-process.' })),
  BEHORIG_ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 32, description: 'Platform admin bearer token (at least 32 characters). Unset: one is generated on first start, printed once, and only its hash is stored.' })),
  BEHORIG_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 32, description: 'Bearer token (at least 32 characters) that a Prometheus server scrapes GET /metrics with; the platform admin token works there too. A presented token is compared with its SHA-256 hash in constant time. Unset: only the platform admin token reads the metrics.' })),
  BEHORIG_KEY_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: '32-byte key, base64url without padding, that encrypts private keys and secrets at rest. Unset: generated into BEHORIG_DATA_DIR with a warning.' })),
  BEHORIG_SIGNING_ALG: Type.Enum(['ES256', 'EdDSA'], { default: 'ES256', description: 'Algorithm of new token-signing keys: ES256 (ECDSA P-256) or EdDSA (Ed25519). Changing it takes effect with the next key generated; existing keys keep theirs.' }),
  BEHORIG_KEY_ROTATION_SECONDS: Type.Integer({ minimum: 3600, default: 2592000, description: 'How long a signing key signs before the next one takes over (default 30 days). Must exceed BEHORIG_KEY_PREPUBLISH_SECONDS.' }),
  BEHORIG_KEY_PREPUBLISH_SECONDS: Type.Integer({ minimum: 600, default: 86400, description: 'How long the next signing key is published in JWKS before it signs at the earliest (default 1 day). The JWKS Cache-Control max-age stays below half of it.' }),
  BEHORIG_ASSIGNMENT_MAX_DAYS: Type.Integer({ minimum: 1, maximum: 3660, default: 366, description: 'Longest an assignment (a time-boxed grant of one attribute, docs/assignments.md) may run, in days from valid_from to valid_until inclusive.' }),
  BEHORIG_IMPORT_LIMIT: Type.Integer({ minimum: 1024, default: 2147483648, description: 'Maximum size of one uploaded HR snapshot in bytes (streamed, never held in memory).' }),
  BEHORIG_UPLOAD_LEASE_MS: Type.Integer({ minimum: 1000, default: 60000, description: 'How long a snapshot upload may go without its process renewing its lease (renewed every third of it) before the janitor fails the run as interrupted and removes what it staged. Checked at start-up and every minute.' }),
  BEHORIG_RUN_JOBS: Type.Boolean({ default: true, description: 'Whether this API process also works on jobs. With REDIS_URL, set false on API nodes and run `npm run worker` processes instead.' }),
  BEHORIG_QUEUE_NAME: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'behorig', description: 'BullMQ queue name (separate deployments sharing one Redis use different names).' }),
  BEHORIG_JOB_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'How many times a failing job (e.g. a sync whose source is unreachable) is tried before its run fails.' }),
  BEHORIG_JOB_BACKOFF_MS: Type.Integer({ minimum: 10, default: 5000, description: 'First retry delay; it doubles with each attempt.' }),
  BEHORIG_JOB_STALLED_MS: Type.Integer({ minimum: 1000, default: 30000, description: 'How soon a job whose worker died is handed to another worker.' }),
  BEHORIG_DEMO: Type.Optional(Type.Boolean({ description: 'Seed the quickstart demo at start-up (idempotent): the fictional municipality Exempelkommun (2129999997) with its HR snapshot and mapping, and a demo relying party whose key pair is written to BEHORIG_DATA_DIR/demo/ for `npm run demo:token`. Unset: on with the embedded store, off when DATABASE_URL is set.' })),
  BEHORIG_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 1048576, description: 'Default maximum request body in bytes (routes that take files set their own).' }),
  BEHORIG_SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10000, description: 'How long SIGTERM waits for in-flight requests before forcing exit.' }),
  BEHORIG_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30000, description: 'How long a client may take to send one whole request (headers and body) before it is answered 408 and the connection closed. Raise it when large HR snapshots are uploaded over slow links.' }),
  BEHORIG_CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 120000, description: 'How long a connection may sit idle (no bytes either way) before it is closed. Kept above the 72-second keep-alive timeout so idle keep-alive connections end by keep-alive rules.' }),
  BEHORIG_TRUST_PROXY: Type.Optional(Type.String({ minLength: 1, description: 'Behind a reverse proxy or load balancer: a comma-separated list of proxy addresses/CIDRs whose X-Forwarded-For is believed, or `true` to believe any sender (only when nothing else can reach the port). The client address found this way is what anonymous rate limits count by. Unset: the socket peer is the client.' })),
  BEHORIG_ALLOW_PRIVATE_FETCH: Type.Optional(Type.String({ minLength: 1, description: 'Exceptions to the outbound fetch guard, for tests and closed networks: a comma-separated list of host names, IP addresses and CIDR networks (IPv4 and IPv6) that jwks_uri, HR pull and directory connections may reach although they are loopback, private, link-local or otherwise not public. A directory named here may also be read over plain ldap:// without StartTLS. Unset: only public addresses are reached.' })),
  BEHORIG_RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 60, description: 'Length of the rate-limit window every BEHORIG_RATE_LIMIT_* count is per.' }),
  BEHORIG_RATE_LIMIT_RELYING_PARTY: Type.Integer({ minimum: 1, default: 12000, description: 'Requests per window one relying party (by client_id) may make with its access tokens, e.g. POST /v1/attribute-tokens.' }),
  BEHORIG_RATE_LIMIT_TOKEN_ENDPOINT: Type.Integer({ minimum: 1, default: 600, description: 'Requests per window to POST /oauth/token per client_id the request claims (the caller\'s address when it claims none). The caller\'s address is also counted against BEHORIG_RATE_LIMIT_ANONYMOUS.' }),
  BEHORIG_RATE_LIMIT_API_KEY: Type.Integer({ minimum: 1, default: 6000, description: 'Requests per window per organisation API key (SCIM pushes included).' }),
  BEHORIG_RATE_LIMIT_PLATFORM_ADMIN: Type.Integer({ minimum: 1, default: 30000, description: 'Requests per window made with the platform admin token, all together.' }),
  BEHORIG_RATE_LIMIT_FAILED_AUTH: Type.Integer({ minimum: 1, default: 300, description: 'Requests per window refused for their credentials (401) that one client address may make; after that its requests to authenticated routes get 429 until the window ends. Counted per API node.' }),
  BEHORIG_RATE_LIMIT_ANONYMOUS: Type.Integer({ minimum: 1, default: 3000, description: 'Requests per window per client address to public routes (JWKS, metadata, status lists, catalog, docs). Health checks are not limited.' }),
  BEHORIG_AUDIT_CHECKPOINT_CRON: Type.String({ minLength: 1, default: '0 * * * *', description: 'When the job that signs an audit checkpoint (every chain\'s latest sequence number and hash, see docs/audit.md) runs: five cron fields. It writes nothing when no chain moved. Default hourly.' }),
  BEHORIG_DAY_RUN_CRON: Type.String({ minLength: 1, default: '5 * * * *', description: 'When the day job looks for organisations whose day (in Europe/Stockholm) has not run yet, and runs it: recomputes the people whose employments began or ended since the last run and revokes the live tokens of attributes they lost. Five cron fields in the server\'s time zone. The default, five minutes past every hour, runs each day at 00:05 Swedish time whatever the server\'s zone, and a tick missed while nothing ran is made up within the hour; later ticks of a day that has run do nothing.' }),
  BEHORIG_DAY_RUN_CATCH_UP_DAYS: Type.Integer({ minimum: 1, maximum: 366, default: 31, description: 'How many days back a day run looks: after downtime, the days since the organisation\'s last run, at most this many, are covered by the next run (evaluated on its day); an organisation\'s first run looks back as far. Changes older than that are picked up by the next sync run or publish of the people they concern.' }),
  BEHORIG_FEDERATION_AUTHORITY_HINTS: Type.Optional(Type.String({ minLength: 1, description: 'OpenID Federation: the entity ids (https URLs, comma-separated) of the federation authorities (intermediates or trust anchors) directly above behorig, published as `authority_hints` in its Entity Configuration at /.well-known/openid-federation. Unset: no authority_hints (behorig is not placed in a federation).' })),
  BEHORIG_FEDERATION_TRUST_ANCHORS: Type.Optional(Type.String({ minLength: 1, description: 'OpenID Federation trust anchors whose federations\' relying parties may authenticate at /oauth/token with their entity id as client_id, without being registered: a JSON object from each trust anchor\'s entity id (https URL) to its federation JWK Set, `{ "https://ta.example": { "keys": [ … ] } }`, or the path of a file holding that JSON. The keys come from here, never from a fetched document. Unset: no federated relying parties. Requires BEHORIG_FEDERATION_DEFAULT_RELEASE.' })),
  BEHORIG_FEDERATION_REQUIRED_TRUST_MARK: Type.Optional(Type.String({ minLength: 1, description: 'The trust mark type (an identifier, usually a URL) a federated relying party must carry, valid and issued by an issuer its trust anchor\'s `trust_mark_issuers` allows. Unset: no trust mark is required.' })),
  BEHORIG_FEDERATION_DEFAULT_RELEASE: Type.Optional(Type.String({ minLength: 2, description: 'The release policy of every federated relying party, JSON as a registered party\'s `release` (attributes, domains, organisations, subject, legal_basis); `"organisations": "all"` means every organisation that approves the party. Required with BEHORIG_FEDERATION_TRUST_ANCHORS.' })),
  BEHORIG_FEDERATION_ORGANIZATION_NAME: Type.String({ minLength: 1, default: 'behorig', description: 'The `organization_name` of behorig\'s `federation_entity` metadata in its Entity Configuration.' }),
  BEHORIG_FEDERATION_STATEMENT_SECONDS: Type.Integer({ minimum: 300, maximum: 604800, default: 86400, description: 'How long behorig\'s Entity Configuration is valid (`exp` − `iat`, default a day). A retired federation key stays published that long after it stops signing.' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info', description: 'Log level: fatal, error, warn, info, debug, trace or silent.' })
}, { additionalProperties: true })

export type Env = Static<typeof EnvSchema>

/** The validated configuration that `buildApp` and the entry points take. */
export interface Config {
  port: number
  host: string
  issuer: string
  dataDir: string
  catalogDir: string | undefined
  store: { url: string | undefined, embeddedDir: string, poolSize: number }
  redisUrl: string | undefined
  /** BEHORIG_PROCESSES, resolved: how many API processes serve the port. */
  processes: number
  adminToken: string | undefined
  /** BEHORIG_METRICS_TOKEN: the scraper's bearer token for GET /metrics. */
  metricsToken: string | undefined
  keyEncryptionKey: string | undefined
  bodyLimit: number
  importLimit: number
  /** BEHORIG_ASSIGNMENT_MAX_DAYS. */
  assignmentMaxDays: number
  /** BEHORIG_UPLOAD_LEASE_MS: an upload's run whose process stopped renewing this long ago is abandoned. */
  uploadLeaseMs: number
  keys: { alg: Env['BEHORIG_SIGNING_ALG'], rotationSeconds: number, prepublishSeconds: number }
  jobs: { run: boolean, queueName: string, stalledMs: number, attempts: number, backoffMs: number }
  shutdownTimeoutMs: number
  /** The signed audit checkpoint job's cron (BEHORIG_AUDIT_CHECKPOINT_CRON). */
  audit: { checkpointCron: string }
  /** The day job (BEHORIG_DAY_RUN_CRON, BEHORIG_DAY_RUN_CATCH_UP_DAYS). */
  dayRuns: { cron: string, catchUpDays: number }
  /** Socket-level limits: whole-request receive time and idle connections (ms). */
  timeouts: { requestMs: number, connectionMs: number }
  /** Fastify's trustProxy: false, true or the proxies' addresses. */
  trustProxy: boolean | string[]
  rateLimits: RateLimits
  /** Outbound fetches and directory connections (BEHORIG_ALLOW_PRIVATE_FETCH). */
  outbound: { allowPrivate: string[] }
  /** OpenID Federation: behorig's own Entity Configuration, and the trust anchors whose relying parties it accepts. */
  federation: FederationSettings
  /** Seed the quickstart demo at start-up (BEHORIG_DEMO; by default only on the embedded store). */
  demo: boolean
  logLevel: Env['LOG_LEVEL']
}

/** A JWK as configuration gives it (validated as a public signing key at start-up). */
export interface ConfiguredJwk { kty: string, kid?: string, [member: string]: unknown }

export interface FederationSettings {
  authorityHints: string[]
  /** By trust anchor entity id, its federation keys. Empty: no federated relying parties. */
  trustAnchors: Record<string, { keys: ConfiguredJwk[] }>
  requiredTrustMark: string | undefined
  /** A relying party's `release`, as JSON gave it; checked by the relying-party schema where it is used. */
  defaultRelease: Record<string, unknown> | undefined
  organizationName: string
  statementSeconds: number
}

/** Requests allowed per window, per caller kind (see BEHORIG_RATE_LIMIT_*). */
export interface RateLimits {
  windowMs: number
  relyingParty: number
  tokenEndpoint: number
  apiKey: number
  platformAdmin: number
  anonymous: number
  failedAuth: number
}
