import t from 'tap'
import { findResourceTypeDocument, findSchemaDocument, resourceTypeDocuments, schemaDocuments, serviceProviderConfig } from '../../src/scim/scim-discovery.js'
import { SCIM_MAX_RESULTS } from '../../src/scim/scim-list.js'
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../src/scim/scim-urns.js'

const options = { baseUrl: 'https://behorig.exempel.se/scim/v2/2120000142' }

/** Survives a trip through JSON unchanged: no undefined, functions or class instances inside. */
const jsonRoundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

interface AttributeDocument {
  name: string
  type: string
  multiValued: boolean
  description: string
  required: boolean
  caseExact: boolean
  mutability: string
  returned: string
  uniqueness: string
  subAttributes?: AttributeDocument[]
  canonicalValues?: string[]
  referenceTypes?: string[]
}

const attributesOf = (id: string): AttributeDocument[] => (findSchemaDocument(options, id) as { attributes: AttributeDocument[] }).attributes
const attribute = (id: string, name: string): AttributeDocument | undefined => attributesOf(id).find((candidate) => candidate.name === name)

t.test('ServiceProviderConfig announces patch, filter, etag; no bulk, sort or password change', async (t) => {
  const config = serviceProviderConfig({ ...options, documentationUri: 'https://behorig.se/docs/scim' })
  t.same(jsonRoundTrip(config), config)
  t.match(config, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://behorig.se/docs/scim',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${options.baseUrl}/ServiceProviderConfig` }
  })
  t.notOk(Object.hasOwn(serviceProviderConfig(options), 'documentationUri'))
})

t.test('ResourceTypes: User with the enterprise extension, and Group', async (t) => {
  const types = resourceTypeDocuments(options)
  t.same(jsonRoundTrip(types), types)
  t.same(types.map((type) => type.name), ['User', 'Group'])
  t.same(findResourceTypeDocument(options, 'user'), {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    meta: { resourceType: 'ResourceType', location: `${options.baseUrl}/ResourceTypes/User` }
  })
  t.match(findResourceTypeDocument(options, 'Group'), { endpoint: '/Groups', schema: GROUP_SCHEMA, schemaExtensions: [] })
  t.equal(findResourceTypeDocument(options, 'Device'), undefined)
})

t.test('Schemas: User, EnterpriseUser and Group, every attribute with all its characteristics', async (t) => {
  const schemas = schemaDocuments(options)
  t.same(jsonRoundTrip(schemas), schemas)
  t.same(schemas.map((schema) => schema.id), [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA])
  t.match(findSchemaDocument(options, ENTERPRISE_USER_SCHEMA.toUpperCase()), {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    name: 'EnterpriseUser',
    meta: { resourceType: 'Schema', location: `${options.baseUrl}/Schemas/${ENTERPRISE_USER_SCHEMA}` }
  })
  t.equal(findSchemaDocument(options, 'urn:example:nothing'), undefined)
  const check = (attribute: AttributeDocument, where: string): void => {
    t.ok(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex'].includes(attribute.type), `${where} type`)
    t.ok(['readOnly', 'readWrite', 'immutable', 'writeOnly'].includes(attribute.mutability), `${where} mutability`)
    t.ok(['always', 'never', 'default', 'request'].includes(attribute.returned), `${where} returned`)
    t.ok(['none', 'server', 'global'].includes(attribute.uniqueness), `${where} uniqueness`)
    t.equal(typeof attribute.multiValued, 'boolean', `${where} multiValued`)
    t.equal(typeof attribute.required, 'boolean', `${where} required`)
    t.equal(typeof attribute.caseExact, 'boolean', `${where} caseExact`)
    t.ok(attribute.description.length > 0, `${where} description`)
    t.equal(attribute.type === 'complex', Array.isArray(attribute.subAttributes), `${where}: sub-attributes exactly for complex types`)
    t.equal(attribute.type === 'reference', Array.isArray(attribute.referenceTypes), `${where}: reference types exactly for references`)
    for (const sub of attribute.subAttributes ?? []) check(sub, `${where}.${sub.name}`)
  }
  for (const schema of schemas) for (const attribute of schema.attributes as AttributeDocument[]) check(attribute, `${String(schema.name)}.${attribute.name}`)
})

t.test('Schemas follow RFC 7643 §8.7.1 for the attributes behorig keeps', async (t) => {
  t.same(attributesOf(USER_SCHEMA).map((a) => a.name), ['userName', 'name', 'displayName', 'title', 'active', 'emails', 'groups'])
  t.match(attribute(USER_SCHEMA, 'userName'), { type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite' })
  t.match(attribute(USER_SCHEMA, 'emails'), { type: 'complex', multiValued: true })
  t.same(attribute(USER_SCHEMA, 'emails')?.subAttributes?.map((a) => a.name), ['value', 'display', 'type', 'primary'])
  t.same(attribute(USER_SCHEMA, 'emails')?.subAttributes?.find((a) => a.name === 'type')?.canonicalValues, ['work', 'home', 'other'])
  t.match(attribute(USER_SCHEMA, 'groups'), { mutability: 'readOnly', multiValued: true })
  t.same(attributesOf(ENTERPRISE_USER_SCHEMA).map((a) => a.name), ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'])
  t.same(attribute(ENTERPRISE_USER_SCHEMA, 'manager')?.subAttributes?.map((a) => [a.name, a.mutability]), [['value', 'readWrite'], ['$ref', 'readWrite'], ['displayName', 'readOnly']])
  t.match(attribute(GROUP_SCHEMA, 'members'), { multiValued: true, type: 'complex' })
  t.same(attribute(GROUP_SCHEMA, 'members')?.subAttributes?.find((a) => a.name === 'value')?.mutability, 'immutable')
})
