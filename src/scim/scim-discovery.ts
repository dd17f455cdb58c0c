import { RESOURCE_TYPE_DEFINITIONS, SCHEMA_DEFINITIONS, type AttributeDefinition, type ResourceTypeDefinition, type SchemaDefinition } from './scim-attributes.js'
import { sameName } from './scim-attribute-lookup.js'
import { SCIM_MAX_RESULTS } from './scim-list.js'
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from './scim-urns.js'

/**
 * The discovery endpoints of RFC 7644 §4: /ServiceProviderConfig, /ResourceTypes, /Schemas.
 * `baseUrl` is the SCIM base of one organisation, e.g. https://behorig.exempel.se/scim/v2/2120000142,
 * without a trailing slash; it only fills `meta.location`.
 */
export interface DiscoveryOptions {
  baseUrl: string
  documentationUri?: string
}

export function serviceProviderConfig (options: DiscoveryOptions): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(options.documentationUri ? { documentationUri: options.documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [{
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'An organisation API key with the SCIM scope, sent as a bearer token (RFC 6750).',
      specUri: 'https://www.rfc-editor.org/info/rfc6750',
      primary: true
    }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${options.baseUrl}/ServiceProviderConfig` }
  }
}

export function resourceTypeDocuments (options: DiscoveryOptions): Array<Record<string, unknown>> {
  return Object.values(RESOURCE_TYPE_DEFINITIONS).map((type) => resourceTypeDocument(type, options.baseUrl))
}

export function findResourceTypeDocument (options: DiscoveryOptions, name: string): Record<string, unknown> | undefined {
  const type = Object.values(RESOURCE_TYPE_DEFINITIONS).find((candidate) => sameName(candidate.name, name))
  return type ? resourceTypeDocument(type, options.baseUrl) : undefined
}

function resourceTypeDocument (type: ResourceTypeDefinition, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((extension) => ({ schema: extension.schema.id, required: extension.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.name}` }
  }
}

export function schemaDocuments (options: DiscoveryOptions): Array<Record<string, unknown>> {
  return SCHEMA_DEFINITIONS.map((schema) => schemaDocument(schema, options.baseUrl))
}

export function findSchemaDocument (options: DiscoveryOptions, id: string): Record<string, unknown> | undefined {
  const schema = SCHEMA_DEFINITIONS.find((candidate) => sameName(candidate.id, id))
  return schema ? schemaDocument(schema, options.baseUrl) : undefined
}

function schemaDocument (schema: SchemaDefinition, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` }
  }
}

/** RFC 7643 §7, in the order of §8.7.1. */
function attributeDocument (attribute: AttributeDefinition): Record<string, unknown> {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    ...(attribute.canonicalValues ? { canonicalValues: attribute.canonicalValues } : {}),
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.referenceTypes ? { referenceTypes: attribute.referenceTypes } : {}),
    ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map(attributeDocument) } : {})
  }
}
