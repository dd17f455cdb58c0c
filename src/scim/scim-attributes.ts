import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './scim-urns.js'

/**
 * The attributes behorig understands, with their RFC 7643 §7 characteristics. One source for
 * the /Schemas documents, filter comparison (caseExact, type) and PATCH (mutability,
 * multiValued), so they cannot disagree.
 */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex'
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly'

export interface AttributeDefinition {
  name: string
  type: AttributeType
  multiValued: boolean
  description: string
  required: boolean
  caseExact: boolean
  mutability: Mutability
  returned: 'always' | 'never' | 'default' | 'request'
  uniqueness: 'none' | 'server' | 'global'
  subAttributes?: AttributeDefinition[]
  canonicalValues?: string[]
  referenceTypes?: string[]
}

export interface SchemaDefinition {
  id: string
  name: string
  description: string
  attributes: AttributeDefinition[]
}

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'description'>>

/** RFC 7643 §2.2 defaults: a singular, optional, case-insensitive, read-write string. */
function attr (name: string, description: string, options: AttributeOptions = {}): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options
  }
}

const complex = (name: string, description: string, subAttributes: AttributeDefinition[], options: AttributeOptions = {}): AttributeDefinition =>
  attr(name, description, { type: 'complex', subAttributes, ...options })

const readOnly = (definition: AttributeDefinition): AttributeDefinition => ({ ...definition, mutability: 'readOnly' })

/** RFC 7643 §3.1: common to every resource; not part of any schema's attribute list. */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  attr('id', 'Unique identifier of the resource, issued by behorig.', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attr('externalId', 'Identifier of the resource in the provisioning client.', { caseExact: true }),
  complex('meta', 'Resource metadata.', [
    attr('resourceType', 'User or Group.', { caseExact: true, mutability: 'readOnly' }),
    attr('created', 'When the resource was created.', { type: 'dateTime', mutability: 'readOnly' }),
    attr('lastModified', 'When the resource was last changed.', { type: 'dateTime', mutability: 'readOnly' }),
    attr('location', 'URI of the resource.', { type: 'reference', referenceTypes: ['uri'], caseExact: true, mutability: 'readOnly' }),
    attr('version', 'Entity tag of the current version.', { caseExact: true, mutability: 'readOnly' })
  ], { mutability: 'readOnly' })
]

export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'Unique identifier for the User, typically used to sign in. REQUIRED.', { required: true, uniqueness: 'server' }),
    complex('name', 'The components of the user\'s real name.', [
      attr('formatted', 'The full name, formatted for display.'),
      attr('familyName', 'The family name of the User.'),
      attr('givenName', 'The given name of the User.')
    ]),
    attr('displayName', 'The name of the User, suitable for display to end-users.'),
    attr('title', 'The user\'s title, such as "Socialsekreterare".'),
    attr('active', 'A Boolean value indicating the User\'s administrative status.', { type: 'boolean' }),
    complex('emails', 'Email addresses for the user.', [
      attr('value', 'Email address for the user.'),
      attr('display', 'A human-readable name, primarily used for display purposes.'),
      attr('type', 'A label indicating the attribute\'s function.', { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'Whether this is the preferred address. At most one value may be primary.', { type: 'boolean' })
    ], { multiValued: true }),
    complex('groups', 'The groups the user belongs to, direct or indirect.', [
      readOnly(attr('value', 'The id of the Group.')),
      readOnly(attr('$ref', 'The URI of the Group.', { type: 'reference', referenceTypes: ['User', 'Group'] })),
      readOnly(attr('display', 'The display name of the Group.')),
      readOnly(attr('type', 'Direct or indirect membership.', { canonicalValues: ['direct', 'indirect'] }))
    ], { multiValued: true, mutability: 'readOnly' })
  ]
}

export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'Numeric or alphanumeric identifier assigned by the organisation; matches the HR employee number.'),
    attr('costCenter', 'Identifies the name of a cost center.'),
    attr('organization', 'Identifies the name of an organization.'),
    attr('division', 'Identifies the name of a division.'),
    attr('department', 'Identifies the name of a department.'),
    complex('manager', 'The User\'s manager.', [
      attr('value', 'The id of the SCIM resource representing the User\'s manager.'),
      attr('$ref', 'The URI of the SCIM resource representing the User\'s manager.', { type: 'reference', referenceTypes: ['User'] }),
      readOnly(attr('displayName', 'The displayName of the User\'s manager.'))
    ])
  ]
}

export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'A human-readable name for the Group. REQUIRED.', { required: true }),
    complex('members', 'A list of members of the Group.', [
      attr('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
      attr('$ref', 'The URI of the member resource.', { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'immutable' }),
      attr('display', 'The display name of the member.', { mutability: 'immutable' }),
      attr('type', 'The type of the member.', { canonicalValues: ['User', 'Group'], mutability: 'immutable' })
    ], { multiValued: true })
  ]
}

export type ScimResourceType = 'User' | 'Group'

export interface ResourceTypeDefinition {
  name: ScimResourceType
  endpoint: string
  description: string
  schema: SchemaDefinition
  extensions: Array<{ schema: SchemaDefinition, required: boolean }>
}

export const RESOURCE_TYPE_DEFINITIONS: Record<ScimResourceType, ResourceTypeDefinition> = {
  User: {
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA_DEFINITION,
    extensions: [{ schema: ENTERPRISE_USER_SCHEMA_DEFINITION, required: false }]
  },
  Group: { name: 'Group', endpoint: '/Groups', description: 'Group', schema: GROUP_SCHEMA_DEFINITION, extensions: [] }
}

export const SCHEMA_DEFINITIONS: SchemaDefinition[] = [USER_SCHEMA_DEFINITION, ENTERPRISE_USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION]
