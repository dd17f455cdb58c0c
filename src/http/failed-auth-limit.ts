import type { FastifyInstance, FastifyRequest } from 'fastify'
import { normalizeIP } from '@fastify/rate-limit'
import { RateLimited } from './errors.js'

/** Beyond this many addresses in one window, expired ones are swept (and, if need be, all). */
const MAX_TRACKED = 100_000

export interface FailedAuthLimitOptions { max: number, windowMs: number }

/**
 * Requests refused for their credentials (401) never reach the rate limits, which count a
 * caller once authenticated. So each address may fail `max` times per window; after that its
 * requests to authenticated routes are refused with 429 before any credential is checked,
 * and guessing tokens or flooding signature checks costs the sender, not the service.
 * Counted in process memory even with Redis: no round trip on the hot path, at the price of
 * each API node allowing `max` on its own.
 */
export function installFailedAuthLimit (app: FastifyInstance, { max, windowMs }: FailedAuthLimitOptions): void {
  const failures = new Map<string, { count: number, resetAt: number }>()

  app.addHook('onRequest', async function refuseRepeatedFailures (request) {
    if (failures.size === 0 || request.routeOptions.config?.auth === false) return
    const address = addressOf(request)
    const entry = failures.get(address)
    if (!entry) return
    const now = Date.now()
    if (entry.resetAt <= now) { failures.delete(address); return }
    if (entry.count < max) return
    const retryAfter = Math.max(1, Math.ceil((entry.resetAt - now) / 1000))
    throw RateLimited({ detail: `Too many requests with invalid credentials from this address; try again in ${retryAfter} s`, headers: { 'retry-after': String(retryAfter) } })
  })

  app.addHook('onResponse', async function countFailure (request, reply) {
    if (reply.statusCode !== 401 || request.routeOptions.config?.auth === false) return
    const address = addressOf(request)
    const now = Date.now()
    const entry = failures.get(address)
    if (entry && entry.resetAt > now) { entry.count++; return }
    if (failures.size >= MAX_TRACKED) sweep(failures, now)
    failures.set(address, { count: 1, resetAt: now + windowMs })
  })
}

function sweep (failures: Map<string, { resetAt: number }>, now: number): void {
  for (const [address, entry] of failures) if (entry.resetAt <= now) failures.delete(address)
  if (failures.size >= MAX_TRACKED) failures.clear()
}

const addressOf = (request: FastifyRequest): string => normalizeIP(request.ip)
