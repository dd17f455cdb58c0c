import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static, type TSchema } from 'typebox'
import { ScimError, notFound } from './scim-errors.js'
import { findResourceTypeDocument, findSchemaDocument, resourceTypeDocuments, schemaDocuments, serviceProviderConfig } from './scim-discovery.js'
import { paginate, parseListWindow } from './scim-list.js'
import { ScimErrors, ScimNameParams, ScimOrgParams, SCIM_AUTH, SCIM_MEDIA, SCIM_TAGS } from './scim-route-schemas.js'
import { ScimDiscoveryDocument, ScimListResponse } from './scim-schemas.js'
import { documented } from '../http/openapi-response.js'
import { GROUP_SCHEMA, LIST_RESPONSE_MESSAGE } from './scim-urns.js'

export interface DiscoveryRouteOptions { baseUrl: (organisation: string) => string }

type Document = Static<typeof ScimDiscoveryDocument>
const document = (body: Record<string, unknown>) => body as Document

const DiscoveryQuery = Type.Object({ filter: Type.Optional(Type.String({ description: 'Not supported here: a filter is answered with 403 (RFC 7644 §4).' })) })

/**
 * RFC 7644 §4: what this service provider supports. The documents are the same for every
 * organisation except for their `meta.location`.
 */
export const scimDiscoveryRoutes: FastifyPluginAsyncTypebox<DiscoveryRouteOptions> = async (app, { baseUrl }) => {
  // Examples are the documents themselves, for the example organisation.
  const example = { baseUrl: baseUrl('2129999997') }
  const listOf = (documents: Array<Record<string, unknown>>) => ({ schemas: [LIST_RESPONSE_MESSAGE], totalResults: documents.length, startIndex: 1, itemsPerPage: documents.length, Resources: documents })
  const list = (documents: Array<Record<string, unknown>>) => ({ params: ScimOrgParams, querystring: DiscoveryQuery, response: { 200: documented('All of them, in one page.', ScimListResponse(ScimDiscoveryDocument), [listOf(documents)]), ...ScimErrors } })
  const one = <P extends TSchema>(params: P, document: Record<string, unknown> | undefined) => ({ params, response: { 200: documented('The document.', ScimDiscoveryDocument, [document]), ...ScimErrors } })

  app.get('/:org/ServiceProviderConfig', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, operationId: 'getScimServiceProviderConfig', summary: 'SCIM features this service provider supports', description: 'What a provisioning client reads first: patch, filter (and its maxResults), ETags, authentication. Bulk, sort and password change are not supported.', ...one(ScimOrgParams, serviceProviderConfig(example)) }
  }, async function getServiceProviderConfig (request) {
    return document(serviceProviderConfig({ baseUrl: baseUrl(request.params.org) }))
  })

  app.get('/:org/ResourceTypes', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, operationId: 'listScimResourceTypes', summary: 'The resource types: User (with the enterprise extension) and Group', description: 'For clients that discover endpoints rather than configure them.', ...list(resourceTypeDocuments(example)) }
  }, async function listResourceTypes (request) {
    refuseFilter(request.query.filter)
    return paginate(resourceTypeDocuments({ baseUrl: baseUrl(request.params.org) }).map(document), parseListWindow({}))
  })

  app.get('/:org/ResourceTypes/:name', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, operationId: 'getScimResourceType', summary: 'One resource type', description: '`User` or `Group`.', ...one(ScimNameParams, findResourceTypeDocument(example, 'User')) }
  }, async function getResourceType (request) {
    const found = findResourceTypeDocument({ baseUrl: baseUrl(request.params.org) }, request.params.name)
    if (!found) throw notFound(`No resource type "${request.params.name}"; there are User and Group`)
    return document(found)
  })

  app.get('/:org/Schemas', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, operationId: 'listScimSchemas', summary: 'The schemas of User, the enterprise extension and Group, with their attributes', description: 'Which attributes behorig keeps, with their mutability and uniqueness (RFC 7643 §7).', ...list(schemaDocuments(example)) }
  }, async function listSchemas (request) {
    refuseFilter(request.query.filter)
    return paginate(schemaDocuments({ baseUrl: baseUrl(request.params.org) }).map(document), parseListWindow({}))
  })

  app.get('/:org/Schemas/:name', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, operationId: 'getScimSchema', summary: 'One schema, by its URN', description: 'E.g. `urn:ietf:params:scim:schemas:core:2.0:Group`.', ...one(ScimNameParams, findSchemaDocument(example, GROUP_SCHEMA)) }
  }, async function getSchema (request) {
    const found = findSchemaDocument({ baseUrl: baseUrl(request.params.org) }, request.params.name)
    if (!found) throw notFound(`No schema "${request.params.name}"`)
    return document(found)
  })
}

/** RFC 7644 §4: a filter on a discovery endpoint SHOULD be answered with 403, so no client believes it applied. */
function refuseFilter (filter: string | undefined): void {
  if (filter !== undefined) throw new ScimError(403, undefined, 'Filters are not supported on discovery endpoints')
}
