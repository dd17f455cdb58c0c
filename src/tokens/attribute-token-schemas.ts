import { Type, type Static } from 'typebox'
import { PURPOSE_ID_PATTERN } from '../relying-parties/relying-party-document.js'

export const SUBJECT_LOOKUP_TYPES = ['service-id', 'employee-number', 'email', 'personal-identity-number', 'hsa-id'] as const

export const AttributeTokenRequest = Type.Object({
  subject: Type.Object({
    type: Type.Enum([...SUBJECT_LOOKUP_TYPES], { description: 'How `value` names the person: their service identity, HR employee number, e-mail address, personnummer (12 digits; looked up by a keyed hash, never logged), or HSA-id (employeeHsaId, e.g. SE2120001124-ABC12; a malformed one is a 400 pointing at /subject/value).' }),
    value: Type.String({ minLength: 1, maxLength: 320, description: 'The identifier.' }),
    organisation: Type.String({ pattern: '^[0-9]{6}-?[0-9]{4}$', description: 'The organisation number of the person\'s employer (10 digits; a hyphen is accepted).' })
  }, { additionalProperties: false }),
  domain: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'The catalog domain the token is for. One token covers one domain; without it, the first domain (alphabetically) in which the policy releases something to this person.' })),
  purpose: Type.Optional(Type.String({ pattern: PURPOSE_ID_PATTERN, description: 'Why the agency asks: the id of one of the purposes it registered. Required when it registered any, refused (400) when it registered none; a purpose the organisation did not approve is the same 404 as an unknown person. Carried in the token as `purpose`.' }))
}, { additionalProperties: false, examples: [{ subject: { type: 'employee-number', value: '100234', organisation: '2129999997' }, domain: 'socialtjanst' }] })
export type AttributeTokenRequest = Static<typeof AttributeTokenRequest>

export const AttributeTokenResponse = Type.Object({
  attribute_token: Type.String({ description: 'A JWS, header typ attribute-token+jwt; claims iss, sub, aud, iat, nbf, exp, jti, organisation, attributes, catalog, source_as_of, status, and purpose when the request stated one (see docs/tokens.md). No acr or auth_time: those are only in a token exchanged for a login at /oauth/token.' }),
  expires_in: Type.Integer({ description: 'Seconds until the attribute token expires (the relying party\'s token_lifetime).' })
}, {
  examples: [{
    attribute_token: 'eyJhbGciOiJFUzI1NiIsImtpZCI6InNqd211ekNuSU90OTJRTnZsOWVJSVZIX1NPWVUwZTNfWmZPSi1qNHNNbmMiLCJ0eXAiOiJhdHRyaWJ1dGUtdG9rZW4rand0In0.eyJpc3MiOiJodHRwczovL2JlaG9yaWcuZXhhbXBsZS5zZSIsImF1ZCI6ImZrLXNzYnRlayIsIm9yZ2FuaXNhdGlvbiI6IjIxMjk5OTk5OTciLCJhdHRyaWJ1dGVzIjpbeyJpZCI6InNvY2lhbHRqYW5zdC5lYi5oYW5kbGFnZ2FyZSIsInVuaXQiOiJzb2MtZWItbm9yciJ9XX0.c2lnbmF0dXJl',
    expires_in: 300
  }]
})
