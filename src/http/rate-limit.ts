import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import { Redis } from 'ioredis'
import type { RateLimits } from '../config/config-schema.js'
import { RateLimited } from './errors.js'

/**
 * Who a request is counted against. Decided after authentication (the onRequest hook sets
 * request.principal), so a relying party, an API key and the platform admin each have a
 * bucket of their own however many addresses they call from; public routes count by address.
 */
export type Bucket = 'relying-party' | 'token-endpoint' | 'api-key' | 'platform-admin' | 'anonymous'

/**
 * Routes declare their limits in their `config`: `rateLimit: false` (@fastify/rate-limit's
 * own) for never, as probes that orchestrators call every few seconds; `claimedClientLimit`
 * where callers claim a client before they are authenticated (the token endpoint).
 */
export interface ClaimedClientLimit {
  /** The client an unauthenticated request claims, unverified: counted in the 'token-endpoint' bucket too. */
  clientOf (body: unknown): string | undefined
  /** Answers an exceeded limit in the route's own wire format instead of a problem. */
  refuse (reply: FastifyReply, retryAfter: number): FastifyReply
}

declare module 'fastify' {
  interface FastifyContextConfig {
    claimedClientLimit?: ClaimedClientLimit
  }
}

export interface RateLimitOptions {
  limits: RateLimits
  /** Redis shared by every API node; unset → counted in this process's memory. */
  redisUrl: string | undefined
  /** Key prefix in Redis, so deployments sharing one Redis count apart. */
  namespace: string
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>

export async function installRateLimits (app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  const redis = options.redisUrl ? rateLimitRedis(options.redisUrl) : undefined
  if (redis) app.addHook('onClose', async () => { redis.disconnect() })
  await app.register(rateLimit, {
    // No per-route hooks: the one hook below picks the bucket for every route.
    global: false,
    // A Redis outage must not take token issuance down with it: count nothing until it is back.
    skipOnError: true,
    ...(redis ? { redis, nameSpace: `${options.namespace}:rate-limit:` } : {})
  })
  const { limits } = options
  const limiter = (bucket: Bucket, max: number, id: (request: FastifyRequest) => string): Limiter =>
    app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: (request) => `${bucket}:${id(request)}` })
  const limiters: Record<Bucket, Limiter> = {
    'relying-party': limiter('relying-party', limits.relyingParty, (r) => r.principal?.kind === 'relying-party' ? r.principal.clientId : addressOf(r)),
    'token-endpoint': limiter('token-endpoint', limits.tokenEndpoint, (r) => r.routeOptions.config?.claimedClientLimit?.clientOf(r.body) ?? addressOf(r)),
    'api-key': limiter('api-key', limits.apiKey, (r) => r.principal?.kind === 'api-key' ? r.principal.keyId : addressOf(r)),
    'platform-admin': limiter('platform-admin', limits.platformAdmin, () => 'platform-admin'),
    anonymous: limiter('anonymous', limits.anonymous, addressOf)
  }

  // preValidation: after authentication and body parsing (the token endpoint's client_id is
  // in the form), before validation, so malformed requests count too.
  app.addHook('preValidation', async function limitRate (request, reply) {
    if (request.routeOptions.config?.rateLimit === false) return
    const outcomes = await Promise.all(bucketsOf(request).map((bucket) => limiters[bucket](request)))
    let retryAfter = 0
    for (const o of outcomes) if (!o.isAllowed && o.isExceeded) retryAfter = Math.max(retryAfter, o.ttlInSeconds, 1)
    if (retryAfter === 0) return
    request.log.info({ rate_limited: outcomes.filter((o) => !o.isAllowed && o.isExceeded).map((o) => o.key) }, 'rate limit exceeded')
    const claimed = request.routeOptions.config?.claimedClientLimit
    if (claimed) return claimed.refuse(reply, retryAfter)
    throw RateLimited({ detail: `Rate limit exceeded; try again in ${retryAfter} s`, headers: { 'retry-after': String(retryAfter) } })
  })
}

function bucketsOf (request: FastifyRequest): Bucket[] {
  const principal = request.principal
  if (principal) {
    switch (principal.kind) {
      case 'relying-party': return ['relying-party']
      case 'api-key': return ['api-key']
      case 'platform-admin': return ['platform-admin']
      // GET /metrics is not limited (rateLimit: false); were a limited route to admit a scraper, it would count by address.
      case 'metrics-scraper': return ['anonymous']
    }
  }
  // The claimed client_id is not yet verified: a caller inventing ids still meets its address's limit.
  return request.routeOptions.config?.claimedClientLimit ? ['token-endpoint', 'anonymous'] : ['anonymous']
}

/** IPv6 callers count per /64, as one host usually holds the whole prefix. */
const addressOf = (request: FastifyRequest): string => normalizeIP(request.ip)

function rateLimitRedis (url: string): Redis {
  // Fail fast rather than queue: a request waits for the count at most this long, then passes.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000 })
  redis.on('error', () => { /* reconnects; meanwhile requests pass uncounted (skipOnError) */ })
  return redis
}
