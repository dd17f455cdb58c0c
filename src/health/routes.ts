import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ServiceUnavailable, STORE_RETRY_AFTER_SECONDS } from '../http/errors.js'
import { ProblemSchema } from '../http/problem-schema.js'

export interface ReadinessCheck { name: string, check: () => Promise<boolean> }

const Status = Type.Object({ status: Type.Literal('ok'), checks: Type.Optional(Type.Record(Type.String(), Type.Literal('ok'))) })

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessCheck[] }> = async (app, { checks }) => {
  app.get('/health/live', {
    config: { auth: false },
    schema: { tags: ['health'], summary: 'The process is up', response: { 200: Status } }
  }, async function live () {
    return { status: 'ok' as const }
  })

  app.get('/health/ready', {
    config: { auth: false },
    schema: { tags: ['health'], summary: 'The store (and queue, when configured) answer', response: { 200: Status, 503: ProblemSchema } }
  }, async function ready () {
    const results = await Promise.all(checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const))
    const failing = results.filter(([, ok]) => !ok).map(([name]) => name)
    if (failing.length > 0) throw ServiceUnavailable({ detail: `Not ready: ${failing.join(', ')} not answering`, extensions: { failing }, headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) } })
    return { status: 'ok' as const, checks: Object.fromEntries(results.map(([name]) => [name, 'ok' as const])) }
  })
}
