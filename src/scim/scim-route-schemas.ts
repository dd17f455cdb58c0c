import { Type } from 'typebox'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { OrganisationNumber } from '../organisations/schemas.js'
import { ScimErrorResponseSchema } from './scim-schemas.js'
import { SCIM_CONTENT_TYPE } from './scim-urns.js'

/** Path, header and error schemas the SCIM routes share; resource schemas are in scim-schemas.ts. */
const org = OrganisationNumber('path', 'Organisation number: 10 digits, no hyphen, Luhn-checked.')

export const ScimOrgParams = Type.Object({ org })
export const ScimIdParams = Type.Object({ org, id: Type.String({ minLength: 1, maxLength: 256, description: 'The resource id behorig assigned.' }) })
export const ScimNameParams = Type.Object({ org, name: Type.String({ minLength: 1, maxLength: 256 }) })

/** RFC 7644 §3.14, with RFC 9110 §13.1 semantics: tags are weak, `*` matches any version. */
export const ScimPreconditionHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'Write only if the resource\'s ETag (meta.version) is one of these; otherwise 412.' }))
})
export const ScimConditionalReadHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ description: '304 Not Modified when the resource\'s ETag is one of these.' }))
})

export const ScimReadQuery = Type.Object({
  attributes: Type.Optional(Type.String({ description: 'Comma-separated attributes to return (RFC 7644 §3.9); id, schemas, meta and userName/displayName always come.' })),
  excludedAttributes: Type.Optional(Type.String({ description: 'Comma-separated attributes to leave out, e.g. members.' }))
})

export const ScimErrors = {
  '4xx': documented('A SCIM error (RFC 7644 §3.12): 400 with a `scimType` such as invalidFilter or invalidValue, 401, 403, 404, 409 uniqueness, 412 a stale If-Match, 413, 429.', ScimErrorResponseSchema),
  '5xx': documented('A SCIM error (RFC 7644 §3.12): the service could not take the request now; retry.', ScimErrorResponseSchema)
}

export const SCIM_TAGS: ApiTag[] = ['SCIM']

/** For openapi.yaml: SCIM's media type answers; requests may also be plain JSON (RFC 7644 §3.1). */
export const SCIM_MEDIA = { produces: [SCIM_CONTENT_TYPE] }
export const SCIM_BODY_MEDIA = { consumes: [SCIM_CONTENT_TYPE, 'application/json'], produces: [SCIM_CONTENT_TYPE] }

/** Route auth: an organisation API key with the scim scope, for its own organisation. */
export const SCIM_AUTH = { auth: { scope: 'scim', orgParam: 'org' } } as const
