import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import type { ApiTag } from '../http/openapi-tags.js'

export interface MetricsRouteOptions {
  /** Reads the state the gauges show and renders every metric. */
  scrape (): Promise<string>
  /** The exposition format's media type. */
  contentType: string
}

const EXAMPLE = '# HELP behorig_attribute_tokens_issued_total Attribute tokens issued, by relying party.\n# TYPE behorig_attribute_tokens_issued_total counter\nbehorig_attribute_tokens_issued_total{client_id="fk"} 12\n'

export const metricsRoutes: FastifyPluginAsyncTypebox<MetricsRouteOptions> = async (app, { scrape, contentType }) => {
  app.get('/metrics', {
    // Scraped every few seconds like a probe: not counted against a rate limit.
    config: { auth: { metrics: true }, rateLimit: false },
    schema: {
      tags: ['Health'] satisfies ApiTag[],
      operationId: 'scrapeMetrics',
      summary: 'Metrics in the Prometheus text format',
      description: 'For a Prometheus server: requests by route, attribute tokens issued and refused by relying party, sync runs, queue depth, recompute durations, the change outbox, status lists, audit appends, signing-key rotation, the store\'s pool, and Node\'s own (event-loop lag, memory). docs/operations.md lists every metric and example alert rules. Not rate limited; the store is read once per scrape, never on a request\'s path.',
      response: {
        200: { description: 'Every metric, in the Prometheus text exposition format 0.0.4.', content: { 'text/plain': { schema: Type.String(), example: EXAMPLE } } },
        '4xx': ProblemSchema
      }
    }
  }, async function renderMetrics (_request, reply) {
    const text = await scrape()
    return reply.header('cache-control', 'no-store').type(contentType).send(text)
  })
}
