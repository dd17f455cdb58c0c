import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { notFound, scimErrorResponse } from './scim-errors.js'
import { scimDiscoveryRoutes } from './scim-discovery-routes.js'
import { scimResourceRoutes } from './scim-resource-routes.js'
import { SCIM_CONTENT_TYPE } from './scim-urns.js'
import { boundedJsonParser } from '../http/json-depth.js'
import type { ScimService } from './service.js'

/**
 * The SCIM 2.0 server, registered under /scim/v2. SCIM clients read RFC 7644 bodies, so
 * everything under this prefix — authentication and scope refusals, validation failures,
 * unknown routes, bodies that are not JSON — answers in the SCIM error format rather than
 * the problem+json the rest of the API uses, and as application/scim+json.
 */
export const scimRoutes: FastifyPluginAsyncTypebox<{ scim: ScimService }> = async (app, { scim }) => {
  // JSON only (RFC 7644 §3.1): application/scim+json, and application/json that Fastify already parses.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, boundedJsonParser(app))
  app.addHook('onRequest', async function scimContentType (_request, reply) { reply.type(SCIM_CONTENT_TYPE) })
  app.setErrorHandler(function renderScimError (error: FastifyError, request, reply) {
    return sendScimError(request, reply, error)
  })
  app.setNotFoundHandler(function renderScimNotFound (request, reply) {
    return sendScimError(request, reply, notFound(`No SCIM endpoint for ${request.method} ${request.url.split('?')[0]}`))
  })

  await app.register(scimResourceRoutes, { scim, resourceType: 'User' })
  await app.register(scimResourceRoutes, { scim, resourceType: 'Group' })
  await app.register(scimDiscoveryRoutes, { baseUrl: scim.baseUrl })
}

function sendScimError (request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const response = scimErrorResponse(error)
  if (response.status >= 500) request.log.error({ err: error }, 'request failed')
  return reply.code(response.status).headers(response.headers).send(response.body)
}
