import { Type, type Static } from 'typebox'

export const SUBJECT_LOOKUP_TYPES = ['service-id', 'employee-number', 'email', 'personal-identity-number'] as const

export const AttributeTokenRequest = Type.Object({
  subject: Type.Object({
    type: Type.Enum([...SUBJECT_LOOKUP_TYPES], { description: 'How `value` names the person: their service identity, HR employee number, e-mail address, or personnummer (12 digits; looked up by a keyed hash, never logged).' }),
    value: Type.String({ minLength: 1, maxLength: 320, description: 'The identifier.' }),
    organisation: Type.String({ pattern: '^[0-9]{6}-?[0-9]{4}$', description: 'The organisation number of the person\'s employer (10 digits; a hyphen is accepted).' })
  }, { additionalProperties: false }),
  domain: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'The catalog domain the token is for. One token covers one domain; without it, the first domain (alphabetically) in which the policy releases something to this person.' }))
}, { additionalProperties: false })
export type AttributeTokenRequest = Static<typeof AttributeTokenRequest>

export const AttributeTokenResponse = Type.Object({
  attribute_token: Type.String({ description: 'A JWS, header typ attribute-token+jwt; claims iss, sub, aud, iat, nbf, exp, jti, organisation, attributes, catalog, source_as_of, status (see docs/tokens.md).' }),
  expires_in: Type.Integer({ description: 'Seconds until the attribute token expires (the relying party\'s token_lifetime).' })
})
