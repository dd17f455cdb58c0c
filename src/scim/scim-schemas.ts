import { Type, type Static, type TSchema } from 'typebox'
import { SCIM_TYPES } from './scim-errors.js'
import { ENTERPRISE_USER_SCHEMA, ERROR_MESSAGE, GROUP_SCHEMA, LIST_RESPONSE_MESSAGE, PATCH_OP_MESSAGE, USER_SCHEMA } from './scim-urns.js'

/**
 * Route schemas for the SCIM resources behorig keeps (RFC 7643 §4.1, §4.2, §4.3). Objects
 * allow further properties: provisioning clients send attributes behorig does not keep
 * (phoneNumbers, addresses, custom extensions), and RFC 7644 §3.3 lets a service provider
 * ignore them rather than refuse the user. Attribute names are matched exactly here; run
 * `canonicaliseResource` before validation to accept `USERNAME` and friends (RFC 7643 §2.1).
 *
 * The `$ref` sub-attributes (RFC 7643 §2.3.7) are not declared as properties: @fastify/swagger's
 * reference resolver takes any `$ref` key in a route schema for a JSON Schema reference and
 * fails. The objects holding them are open, so `$ref` passes validation and serialisation.
 */
const open = { additionalProperties: true }
const text = (description: string, options: Record<string, unknown> = {}) => Type.String({ description, ...options })
const optionalText = (description: string, options: Record<string, unknown> = {}) => Type.Optional(text(description, options))
// Attributes behorig indexes (PostgreSQL refuses btree/GIN entries over ~2.7 kB): bounded like the HR schema's fields.
const NAME = { maxLength: 256 }
const EMAIL = { maxLength: 320 }
const EMPLOYEE_NUMBER = { maxLength: 64 }

const Schemas = (schema: string) => Type.Array(Type.String(), {
  minItems: 1,
  contains: { const: schema },
  description: `Schema URNs of the resource; must include ${schema}.`
})

export const ScimMeta = Type.Object({
  resourceType: Type.String(),
  created: Type.String({ format: 'date-time' }),
  lastModified: Type.String({ format: 'date-time' }),
  location: Type.String({ description: 'URI of the resource.' }),
  version: Type.String({ description: 'Weak entity tag of the current version, as in the ETag header.' })
})

export const ScimName = Type.Object({
  formatted: optionalText('Full name, formatted for display.'),
  givenName: optionalText('Given name.'),
  familyName: optionalText('Family name.')
}, open)

export const ScimEmail = Type.Object({
  value: text('Email address.', EMAIL),
  type: optionalText('work, home or other.'),
  primary: Type.Optional(Type.Boolean({ description: 'The preferred address; at most one.' })),
  display: optionalText('A name for display.')
}, open)

export const ScimManager = Type.Object({
  value: optionalText('The id of the manager\'s User resource; `$ref` holds its URI.'),
  displayName: optionalText('The manager\'s displayName (read-only).')
}, open)

export const ScimEnterpriseUser = Type.Object({
  employeeNumber: optionalText('Employee number; matched against the HR source\'s employee_number.', EMPLOYEE_NUMBER),
  costCenter: optionalText('Cost center.'),
  organization: optionalText('Organization.'),
  division: optionalText('Division.'),
  department: optionalText('Department; by default the unit of the user\'s employment.'),
  manager: Type.Optional(ScimManager)
}, open)

const userAttributes = {
  schemas: Schemas(USER_SCHEMA),
  externalId: optionalText('Identifier of the user in the provisioning client.', NAME),
  userName: text('Unique sign-in name; compared case-insensitively.', { minLength: 1, ...NAME }),
  name: Type.Optional(ScimName),
  displayName: optionalText('Name for display.', NAME),
  title: optionalText('Job title, e.g. "Socialsekreterare".'),
  active: Type.Optional(Type.Boolean({ description: 'False suspends the user: the user\'s employments end.' })),
  emails: Type.Optional(Type.Array(ScimEmail)),
  [ENTERPRISE_USER_SCHEMA]: Type.Optional(ScimEnterpriseUser)
}

/** POST and PUT /Users bodies. `id` and `meta`, if sent, are ignored (RFC 7643 §3.1: readOnly). */
export const ScimUserInput = Type.Object(userAttributes, open)
export type ScimUserInput = Static<typeof ScimUserInput>

export const ScimGroupRef = Type.Object({
  value: text('The id of the Group; `$ref` holds its URI.'),
  display: Type.Optional(Type.String()),
  type: Type.Optional(Type.String())
}, open)

export const ScimUser = Type.Object({
  ...userAttributes,
  id: Type.String(),
  groups: Type.Optional(Type.Array(ScimGroupRef, { description: 'Groups the user belongs to (read-only).' })),
  meta: ScimMeta
})
export type ScimUser = Static<typeof ScimUser>

export const ScimMember = Type.Object({
  value: text('The id of the member User or Group; `$ref` holds its URI.', { minLength: 1 }),
  type: Type.Optional(Type.Enum(['User', 'Group'])),
  display: optionalText('The member\'s display name.')
}, open)

const groupAttributes = {
  schemas: Schemas(GROUP_SCHEMA),
  externalId: optionalText('Identifier of the group in the provisioning client.', NAME),
  displayName: text('Name of the group.', { minLength: 1, ...NAME }),
  members: Type.Optional(Type.Array(ScimMember))
}

/** POST and PUT /Groups bodies. */
export const ScimGroupInput = Type.Object(groupAttributes, open)
export type ScimGroupInput = Static<typeof ScimGroupInput>

export const ScimGroup = Type.Object({ ...groupAttributes, id: Type.String(), meta: ScimMeta })
export type ScimGroup = Static<typeof ScimGroup>

/** PATCH bodies (RFC 7644 §3.5.2); op names, paths and values are checked by `applyPatch`. */
export const ScimPatchRequest = Type.Object({
  schemas: Schemas(PATCH_OP_MESSAGE),
  Operations: Type.Array(Type.Object({
    op: Type.String({ description: 'add, replace or remove (any case).' }),
    path: Type.Optional(Type.String({ maxLength: 1024 })),
    value: Type.Optional(Type.Unknown())
  }, open), { minItems: 1, maxItems: 1000 })
}, open)
export type ScimPatchRequest = Static<typeof ScimPatchRequest>

export const ScimListQuery = Type.Object({
  filter: Type.Optional(Type.String({ maxLength: 4096, description: 'RFC 7644 §3.4.2.2 filter, e.g. userName eq "anna@exempel.se".' })),
  startIndex: Type.Optional(Type.Integer({ description: '1-based index of the first result; below 1 reads as 1.' })),
  count: Type.Optional(Type.Integer({ description: 'Results per page; at most filter.maxResults of /ServiceProviderConfig.' })),
  attributes: Type.Optional(Type.String()),
  excludedAttributes: Type.Optional(Type.String())
})

export function ScimListResponse<T extends TSchema> (resource: T) {
  return Type.Object({
    schemas: Type.Array(Type.Literal(LIST_RESPONSE_MESSAGE)),
    totalResults: Type.Integer(),
    startIndex: Type.Integer(),
    itemsPerPage: Type.Integer(),
    Resources: Type.Array(resource)
  })
}

export const ScimErrorResponseSchema = Type.Object({
  schemas: Type.Array(Type.Literal(ERROR_MESSAGE)),
  status: Type.String({ description: 'The HTTP status code, as a string (RFC 7644 §3.12).' }),
  scimType: Type.Optional(Type.Enum([...SCIM_TYPES])),
  detail: Type.Optional(Type.String())
})

/** Discovery documents: checked by tests against RFC 7643 §5–§7, passed through as they are. */
export const ScimDiscoveryDocument = Type.Object({ schemas: Type.Array(Type.String()) }, open)
