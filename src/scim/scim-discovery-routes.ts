import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static, type TSchema } from 'typebox'
import { ScimError, notFound } from './scim-errors.js'
import { findResourceTypeDocument, findSchemaDocument, resourceTypeDocuments, schemaDocuments, serviceProviderConfig } from './scim-discovery.js'
import { paginate, parseListWindow } from './scim-list.js'
import { ScimErrors, ScimNameParams, ScimOrgParams, SCIM_AUTH, SCIM_MEDIA, SCIM_TAGS } from './scim-route-schemas.js'
import { ScimDiscoveryDocument, ScimListResponse } from './scim-schemas.js'

export interface DiscoveryRouteOptions { baseUrl: (organisation: string) => string }

type Document = Static<typeof ScimDiscoveryDocument>
const document = (body: Record<string, unknown>) => body as Document

const DiscoveryQuery = Type.Object({ filter: Type.Optional(Type.String({ description: 'Not supported here: a filter is answered with 403 (RFC 7644 §4).' })) })

/**
 * RFC 7644 §4: what this service provider supports. The documents are the same for every
 * organisation except for their `meta.location`.
 */
export const scimDiscoveryRoutes: FastifyPluginAsyncTypebox<DiscoveryRouteOptions> = async (app, { baseUrl }) => {
  const list = { params: ScimOrgParams, querystring: DiscoveryQuery, response: { 200: ScimListResponse(ScimDiscoveryDocument), ...ScimErrors } }
  const one = <P extends TSchema>(params: P) => ({ params, response: { 200: ScimDiscoveryDocument, ...ScimErrors } })

  app.get('/:org/ServiceProviderConfig', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: 'SCIM features this service provider supports', ...one(ScimOrgParams) }
  }, async function getServiceProviderConfig (request) {
    return document(serviceProviderConfig({ baseUrl: baseUrl(request.params.org) }))
  })

  app.get('/:org/ResourceTypes', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: 'The resource types: User (with the enterprise extension) and Group', ...list }
  }, async function listResourceTypes (request) {
    refuseFilter(request.query.filter)
    return paginate(resourceTypeDocuments({ baseUrl: baseUrl(request.params.org) }).map(document), parseListWindow({}))
  })

  app.get('/:org/ResourceTypes/:name', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: 'One resource type', ...one(ScimNameParams) }
  }, async function getResourceType (request) {
    const found = findResourceTypeDocument({ baseUrl: baseUrl(request.params.org) }, request.params.name)
    if (!found) throw notFound(`No resource type "${request.params.name}"; there are User and Group`)
    return document(found)
  })

  app.get('/:org/Schemas', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: 'The schemas of User, the enterprise extension and Group, with their attributes', ...list }
  }, async function listSchemas (request) {
    refuseFilter(request.query.filter)
    return paginate(schemaDocuments({ baseUrl: baseUrl(request.params.org) }).map(document), parseListWindow({}))
  })

  app.get('/:org/Schemas/:name', {
    config: SCIM_AUTH,
    schema: { tags: SCIM_TAGS, ...SCIM_MEDIA, summary: 'One schema, by its URN', ...one(ScimNameParams) }
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
