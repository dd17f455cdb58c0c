import type { FastifyInstance } from 'fastify'
import type { MetricRecorders } from './metrics-registry.js'

/** The route label of a request no route matched: one label, however many paths are tried. */
export const UNMATCHED_ROUTE = 'unmatched'

/**
 * Times every answered request by its route pattern (`/v1/organisations/:org/people`),
 * never its URL, so the label set stays as small as the route table. Fastify's own
 * `elapsedTime`: no clock is read here.
 */
export function installRequestMetrics (app: FastifyInstance, record: MetricRecorders['request']): void {
  app.addHook('onResponse', async function timeRequest (request, reply) {
    const route = request.is404 ? UNMATCHED_ROUTE : request.routeOptions.url ?? UNMATCHED_ROUTE
    record(route, request.method, reply.statusCode, reply.elapsedTime / 1000)
  })
}
