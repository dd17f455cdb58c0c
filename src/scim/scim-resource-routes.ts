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
import { documented } from '../http/openapi-response.js'
import { scimGroupExample, scimGroupInputExample, scimGroupPatchExample, scimListExample, scimUserExample, scimUserInputExample, scimUserPatchExample } from './scim-examples.js'

/**
 * The service hands resources over as plain records; the response schema (ScimUser or
 * ScimGroup) is what shapes them on the wire, so the type system is told they are both.
 */
const wire = (body: Record<string, unknown>) => body as unknown as Static<typeof ScimUser> & Static<typeof ScimGroup>

export interface ResourceRouteOptions { scim: ScimService, resourceType: ScimResourceType }

const SCHEMAS = {
  User: { endpoint: 'Users', input: ScimUserInput, output: ScimUser, examples: { input: scimUserInputExample, output: scimUserExample, patch: scimUserPatchExample } },
  Group: { endpoint: 'Groups', input: ScimGroupInput, output: ScimGroup, examples: { input: scimGroupInputExample, output: scimGroupExample, patch: scimGroupPatchExample } }
} as const

/** What a write to each resource type means for behorig, for the operation descriptions. */
const EFFECT = {
  User: 'A user is a person of the organisation\'s scim source; the enterprise extension\'s employeeNumber matches the person to the HR source, and department names the unit.',
  Group: 'A group\'s membership is what mapping rules name in `groups` conditions.'
} as const

/** /Users or /Groups (RFC 7644 §3.2–§3.6): list and filter, read, create, replace, patch, delete. */
export const scimResourceRoutes: FastifyPluginAsyncTypebox<ResourceRouteOptions> = async (app, { scim, resourceType }) => {
  const { endpoint, input: inputSchema, output: outputSchema, examples } = SCHEMAS[resourceType]
  const input = documented(`The ${resourceType} to store.`, inputSchema, [examples.input])
  const output = outputSchema
  const one = (description: string) => documented(description, outputSchema, [examples.output])
  const canonicalise = async (request: FastifyRequest) => { request.body = prepareBody(resourceType, request.body) }
  const send = (reply: FastifyReply, answer: ScimAnswer, status = 200) => reply.code(status).header('etag', answer.etag).send(wire(answer.body))

  app.get(`/:org/${endpoint}`, {
    config: SCIM_AUTH,
    schema: {
      tags: SCIM_TAGS,
      ...SCIM_MEDIA,
      operationId: `list${endpoint}`,
      summary: `List ${endpoint}, with an optional filter (eq, ne, co, sw, ew, pr, gt, ge, lt, le, and, or, not)`,
      description: `How a provisioning client finds what it pushed before, e.g. \`filter=${resourceType === 'User' ? 'userName eq "anna.svensson@exempelkommun.se"' : 'displayName eq "SOC-EB-Handlaggare"'}\`. Paged with startIndex and count (RFC 7644 §3.4.2).`,
      params: ScimOrgParams,
      querystring: ScimListQuery,
      response: { 200: documented(`A page of ${endpoint}.`, ScimListResponse(output), [scimListExample(examples.output)]), ...ScimErrors }
    }
  }, async function listResources (request) {
    const list = await scim.list(request.params.org, resourceType, request.query)
    return { ...list, Resources: list.Resources.map(wire) }
  })

  app.get(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, operationId: `get${resourceType}`, summary: `Read one ${resourceType}`, description: 'With its ETag; `If-None-Match` answers 304 when unchanged.', params: ScimIdParams, querystring: ScimReadQuery, headers: ScimConditionalReadHeaders, response: { 200: one(`The ${resourceType}.`), 304: Type.Null({ description: 'Not modified: If-None-Match names the current ETag.' }), ...ScimErrors } }
  }, async function getResource (request, reply) {
    const answer = await scim.get(request.params.org, resourceType, request.params.id, request.query)
    if (checkPreconditions(answer.etag, request.headers, 'GET') === 'not-modified') return reply.code(304).header('etag', answer.etag).send(null)
    return send(reply, answer)
  })

  app.post(`/:org/${endpoint}`, {
    config: SCIM_AUTH,
    preValidation: canonicalise,
    schema: { tags: SCIM_TAGS, ...SCIM_BODY_MEDIA, operationId: `create${resourceType}`, summary: `Create a ${resourceType}; the write is one sync run of the organisation's scim source`, description: `${EFFECT[resourceType]} The organisation needs a source of kind scim first.`, params: ScimOrgParams, body: input, response: { 201: one(`The ${resourceType}, created; \`Location\` names it.`), ...ScimErrors } }
  }, async function createResource (request, reply) {
    const answer = await scim.create(request.params.org, resourceType, request.body as ScimResource, actorOf(request.principal))
    return send(reply.header('location', String((answer.body['meta'] as { location: string }).location)), answer, 201)
  })

  app.put(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    preValidation: canonicalise,
    schema: { tags: SCIM_TAGS, ...SCIM_BODY_MEDIA, operationId: `replace${resourceType}`, summary: `Replace a ${resourceType}`, description: `${EFFECT[resourceType]} Attributes left out are cleared; \`If-Match\` guards against overwriting a newer version.`, params: ScimIdParams, headers: ScimPreconditionHeaders, body: input, response: { 200: one(`The ${resourceType} as replaced.`), ...ScimErrors } }
  }, async function replaceResource (request, reply) {
    const { org, id } = request.params
    return send(reply, await scim.replace(org, resourceType, id, request.body as ScimResource, request.headers, actorOf(request.principal)))
  })

  app.patch(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_BODY_MEDIA, operationId: `patch${resourceType}`, summary: `Change a ${resourceType} with add, replace and remove operations (RFC 7644 §3.5.2)`, description: `${EFFECT[resourceType]} All operations apply, or none.`, params: ScimIdParams, headers: ScimPreconditionHeaders, body: documented('PatchOp message.', ScimPatchRequest, [examples.patch]), response: { 200: one(`The ${resourceType} as changed.`), ...ScimErrors } }
  }, async function patchResource (request, reply) {
    const { org, id } = request.params
    return send(reply, await scim.patch(org, resourceType, id, request.body, request.headers, actorOf(request.principal)))
  })

  app.delete(`/:org/${endpoint}/:id`, {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, operationId: `delete${resourceType}`, summary: `Delete a ${resourceType}`, description: resourceType === 'User' ? 'The person\'s employments from this source end, and with them the attributes they justified.' : 'Its members lose the membership, and the attributes a `groups` condition gave them.', params: ScimIdParams, headers: ScimPreconditionHeaders, response: { 204: Type.Null({ description: 'Deleted.' }), ...ScimErrors } }
  }, async function deleteResource (request, reply) {
    await scim.delete(request.params.org, resourceType, request.params.id, request.headers, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
