import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ServiceUnavailable, STORE_RETRY_AFTER_SECONDS } from '../http/errors.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'

/** One thing readiness depends on: `check` resolves undefined when it is ready, else why not. */
export interface ReadinessCheck { name: string, check: () => Promise<string | undefined> }

/** What a check that threw is reported as: never the error itself, which may name internals. */
const CHECK_FAILED = 'the check itself failed'

const TAGS: ApiTag[] = ['Health']
const Status = Type.Object({ status: Type.Literal('ok'), checks: Type.Optional(Type.Record(Type.String(), Type.Literal('ok'))) })

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessCheck[] }> = async (app, { checks }) => {
  app.get('/health/live', {
    config: { auth: false, rateLimit: false },
    schema: {
      tags: TAGS,
      operationId: 'checkLiveness',
      summary: 'The process is up',
      description: 'For a liveness probe: answers as long as the process serves HTTP, whatever the store does. Never rate limited.',
      response: { 200: documented('The process is up.', Status, [{ status: 'ok' }]) }
    }
  }, async function live () {
    return { status: 'ok' as const }
  })

  app.get('/health/ready', {
    config: { auth: false, rateLimit: false },
    schema: {
      tags: TAGS,
      operationId: 'checkReadiness',
      summary: 'The store (and queue, when configured) answer, and signing keys are loaded',
      description: 'For a readiness probe or load balancer: send traffic only while this answers 200. Checks `store` (a query answers), `queue` (Redis answers; only with REDIS_URL) and `keys` (an active signing key exists and opens with the key-encryption key). Otherwise 503 with `failing`, the names of the failing checks, and `reasons`, why each fails. Never rate limited.',
      response: { 200: documented('Every check answered.', Status, [{ status: 'ok', checks: { store: 'ok', queue: 'ok', keys: 'ok' } }]), 503: ProblemSchema }
    }
  }, async function ready () {
    const results = await Promise.all(checks.map(async (c) => [c.name, await c.check().catch(() => CHECK_FAILED)] as const))
    const reasons = Object.fromEntries(results.filter(([, reason]) => reason !== undefined))
    const failing = Object.keys(reasons)
    if (failing.length > 0) {
      const detail = `Not ready: ${failing.map((name) => `${name} (${String(reasons[name])})`).join(', ')}`
      throw ServiceUnavailable({ detail, extensions: { failing, reasons }, headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) } })
    }
    return { status: 'ok' as const, checks: Object.fromEntries(results.map(([name]) => [name, 'ok' as const])) }
  })
}
