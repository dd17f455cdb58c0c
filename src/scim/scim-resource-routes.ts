import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import type { ScimResourceType } from './scim-attributes.js'
import { checkPreconditions } from './scim-etag.js'
import { prepareBody, type ScimResource } from './scim-resource-input.js'
import { ScimConditionalReadHeaders, ScimErrors, ScimIdParams, ScimOrgParams, ScimPreconditionHeaders, ScimReadQuery, SCIM_AUTH, SCIM_BODY_MEDIA, SCIM_MEDIA, SCIM_TAGS } from './scim-route-schemas.js'
import { ScimGroup, ScimGroupInput, ScimListQuery, ScimListResponse, ScimPatchRequest, ScimUser, ScimUserInput } from './scim-schemas.js'
import type { ScimAnswer, ScimService } from './service.js'
import { actorOf } from '../audit/audit-event.js'

/**
 * The service hands resources over as plain records; the response schema (ScimUser or
 * ScimGroup) is what shapes them on the wire, so the type system is told they are both.
 */
const wire = (body: Record<string, unknown>) => body as unknown as Static<typeof ScimUser> & Static<typeof ScimGroup>

export interface ResourceRouteOptions { scim: ScimService, resourceType: ScimResourceType }

const SCHEMAS = {
  User: { endpoint: 'Users', input: ScimUserInput, output: ScimUser },
  Group: { endpoint: 'Groups', input: ScimGroupInput, output: ScimGroup }
} as const

/** /Users or /Groups (RFC 7644 §3.2–§3.6): list and filter, read, create, replace, patch, delete. */
export const scimResourceRoutes: FastifyPluginAsyncTypebox<ResourceRouteOptions> = async (app, { scim, resourceType }) => {
  const { endpoint, input, output } = SCHEMAS[resourceType]
  const canonicalise = async (request: FastifyRequest) => { request.body = prepareBody(resourceType, request.body) }
  const send = (reply: FastifyReply, answer: ScimAnswer, status = 200) => reply.code(status).header('etag', answer.etag).send(wire(answer.body))

  app.get(`/:org/${endpoint}`, {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: `List ${endpoint}, with an optional filter (eq, ne, co, sw, ew, pr, gt, ge, lt, le, and, or, not)`, params: ScimOrgParams, querystring: ScimListQuery, response: { 200: ScimListResponse(output), ...ScimErrors } }
  }, async function listResources (request) {
    const list = await scim.list(request.params.org, resourceType, request.query)
    return { ...list, Resources: list.Resources.map(wire) }
  })

  app.get(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: `Read one ${resourceType}`, params: ScimIdParams, querystring: ScimReadQuery, headers: ScimConditionalReadHeaders, response: { 200: output, 304: Type.Null({ description: 'Not modified: If-None-Match names the current ETag.' }), ...ScimErrors } }
  }, async function getResource (request, reply) {
    const answer = await scim.get(request.params.org, resourceType, request.params.id, request.query)
    if (checkPreconditions(answer.etag, request.headers, 'GET') === 'not-modified') return reply.code(304).header('etag', answer.etag).send(null)
    return send(reply, answer)
  })

  app.post(`/:org/${endpoint}`, {
    config: SCIM_AUTH,
    preValidation: canonicalise,
    schema: { tags: SCIM_TAGS, ...SCIM_BODY_MEDIA, summary: `Create a ${resourceType}; the write is one sync run of the organisation's scim source`, params: ScimOrgParams, body: input, response: { 201: output, ...ScimErrors } }
  }, async function createResource (request, reply) {
    const answer = await scim.create(request.params.org, resourceType, request.body as ScimResource, actorOf(request.principal))
    return send(reply.header('location', String((answer.body['meta'] as { location: string }).location)), answer, 201)
  })

  app.put(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    preValidation: canonicalise,
    schema: { tags: SCIM_TAGS, ...SCIM_BODY_MEDIA, summary: `Replace a ${resourceType}`, params: ScimIdParams, headers: ScimPreconditionHeaders, body: input, response: { 200: output, ...ScimErrors } }
  }, async function replaceResource (request, reply) {
    const { org, id } = request.params
    return send(reply, await scim.replace(org, resourceType, id, request.body as ScimResource, request.headers, actorOf(request.principal)))
  })

  app.patch(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_BODY_MEDIA, summary: `Change a ${resourceType} with add, replace and remove operations (RFC 7644 §3.5.2)`, params: ScimIdParams, headers: ScimPreconditionHeaders, body: ScimPatchRequest, response: { 200: output, ...ScimErrors } }
  }, async function patchResource (request, reply) {
    const { org, id } = request.params
    return send(reply, await scim.patch(org, resourceType, id, request.body, request.headers, actorOf(request.principal)))
  })

  app.delete(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: `Delete a ${resourceType}`, params: ScimIdParams, headers: ScimPreconditionHeaders, response: { 204: Type.Null(), ...ScimErrors } }
  }, async function deleteResource (request, reply) {
    await scim.delete(request.params.org, resourceType, request.params.id, request.headers, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
