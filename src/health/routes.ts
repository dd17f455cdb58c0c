import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ServiceUnavailable, STORE_RETRY_AFTER_SECONDS } from '../http/errors.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'

export interface ReadinessCheck { name: string, check: () => Promise<boolean> }

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
      summary: 'The store (and queue, when configured) answer',
      description: 'For a readiness probe or load balancer: send traffic only while this answers 200. Never rate limited.',
      response: { 200: documented('Every check answered.', Status, [{ status: 'ok', checks: { store: 'ok', queue: 'ok' } }]), 503: ProblemSchema }
    }
  }, async function ready () {
    const results = await Promise.all(checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const))
    const failing = results.filter(([, ok]) => !ok).map(([name]) => name)
    if (failing.length > 0) throw ServiceUnavailable({ detail: `Not ready: ${failing.join(', ')} not answering`, extensions: { failing }, headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) } })
    return { status: 'ok' as const, checks: Object.fromEntries(results.map(([name]) => [name, 'ok' as const])) }
  })
}
