import type { FastifyInstance } from 'fastify'
import { TOKEN_ENDPOINT_PATH } from '../oauth/metadata.js'

/**
 * Token requests are a form with one client assertion, or a small JSON subject: a few kB is
 * plenty, and a low limit stops a flood of large bodies before any parsing or signature work.
 */
export const TOKEN_BODY_LIMIT = 8192
const TOKEN_ROUTES = new Set([TOKEN_ENDPOINT_PATH, '/v1/attribute-tokens'])

/**
 * Per-route body limits, set where routes are declared unless a route sets its own. Admin
 * JSON documents and SCIM resources keep the server's BEHORIG_BODY_LIMIT (1 MiB by default,
 * the bulk maxPayloadSize in RFC 7643 §8.5's example for SCIM); snapshot imports are streamed and capped
 * by BEHORIG_IMPORT_LIMIT in their route.
 */
export function installBodyLimits (app: FastifyInstance): void {
  app.addHook('onRoute', function limitTokenBodies (route) {
    if (route.bodyLimit === undefined && TOKEN_ROUTES.has(route.url)) route.bodyLimit = TOKEN_BODY_LIMIT
  })
}
