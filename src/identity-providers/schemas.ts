import { Type, type Static } from 'typebox'

/** How the IdP's claim names the person: the same lookups POST /v1/attribute-tokens offers, but the personnummer. */
export const IDP_SUBJECT_TYPES = ['employee-number', 'email', 'service-id'] as const

const Jwk = Type.Object({
  kty: Type.Enum(['EC', 'OKP', 'RSA']),
  kid: Type.String({ minLength: 1, maxLength: 256 })
}, { additionalProperties: true })

export const IdentityProviderDocument = Type.Object({
  issuer: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 512, description: 'The `iss` of the IdP\'s tokens, exactly.' }),
  jwks: Type.Optional(Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 10 }) }, { description: 'The IdP\'s public signing keys, inline (EC P-256, Ed25519 or RSA ≥ 2048 bits; public members only).' })),
  jwks_uri: Type.Optional(Type.String({ pattern: '^https://[^\\s]+$', maxLength: 2048, description: 'Instead of jwks: where the IdP publishes its key set (https; fetched, cached 5 minutes, refetched on an unknown kid).' })),
  subject: Type.Object({
    claim: Type.String({ minLength: 1, maxLength: 256, description: 'The claim of the IdP\'s token that names the person, e.g. `employee_number`, `email` or `https://id.oidc.se/claim/orgAffiliation`-style custom claims.' }),
    type: Type.Enum([...IDP_SUBJECT_TYPES], { description: 'What that claim holds: the HR employee number, the e-mail address, or the service identity.' })
  }, { additionalProperties: false }),
  audiences: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 20, description: 'Deprecated and ignored for the audience decision: accepted and stored for compatibility only. Which `aud` values a subject token may carry is now the calling relying party\'s `subject_token_audiences`.' }))
}, {
  additionalProperties: false,
  description: 'An organisation\'s identity provider, whose tokens relying parties may exchange for attribute tokens (RFC 8693).',
  examples: [{ issuer: 'https://idp.exempelkommun.se', jwks_uri: 'https://idp.exempelkommun.se/.well-known/jwks.json', subject: { claim: 'employee_number', type: 'employee-number' }, audiences: ['ekonomiskt-bistand-e-tjanst'] }]
})
export type IdentityProviderDocument = Static<typeof IdentityProviderDocument>

// One object, not an allOf with the document: its additionalProperties: false would refuse
// these three members, so no response could satisfy the intersection as JSON Schema reads it.
export const IdentityProviderView = Type.Object({
  ...IdentityProviderDocument.properties,
  organisation: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, {
  examples: [{ issuer: 'https://idp.exempelkommun.se', jwks_uri: 'https://idp.exempelkommun.se/.well-known/jwks.json', subject: { claim: 'employee_number', type: 'employee-number' }, audiences: ['ekonomiskt-bistand-e-tjanst'], organisation: '2129999997', created_at: '2026-03-02T13:00:00.000Z', updated_at: '2026-03-02T13:00:00.000Z' }]
})
