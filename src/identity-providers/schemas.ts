import { Type, type Static } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { OrganisationNumber } from '../organisations/schemas.js'
import { Cursor } from '../http/cursor.js'

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

/**
 * How a platform-level IdP's logins may name the person, tried in the registration's
 * `subject.match` order: the first identifier the login carries decides.
 */
export const SUBJECT_MATCH_TYPES = ['org-affiliation', 'hsa-id', 'eppn', 'personal-identity-number', 'employee-number', 'email', 'service-id'] as const
export type SubjectMatchType = typeof SUBJECT_MATCH_TYPES[number]

/** What the local id of an orgAffiliation (`<local id>@<orgnr>`) is. */
export const ORG_AFFILIATION_LOCAL_IDS = ['employee-number', 'service-id', 'email', 'username'] as const

const Organisation = OrganisationNumber('body', 'Organisation number: 10 digits, no hyphen, Luhn-checked.')
const HttpsUrl = (description: string) => Type.String({ pattern: '^https://[^\\s]+$', maxLength: 2048, description })
const Pem = (description: string) => Type.String({ minLength: 1, maxLength: 16_384, description })

const SamlSettings = Type.Object({
  metadata_xml: Type.Optional(Type.String({ minLength: 1, maxLength: 1_048_576, description: 'The IdP\'s SAML metadata, inline: an `<md:EntityDescriptor>`, or a federation\'s signed `<md:EntitiesDescriptor>` aggregate (then give `entity_id` and `metadata_signing_certificate`). Cannot be refreshed: replace the registration before `validUntil`.' })),
  metadata_url: Type.Optional(HttpsUrl('Where the IdP (or the federation) publishes its metadata: fetched through the outbound guard at registration, and again after `cacheDuration` (at most every 6 hours, and at the latest halfway to `validUntil`).')),
  entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Which IdP of an aggregate this registration is; for a single EntityDescriptor, if given, it must be its entityID.' })),
  metadata_signing_certificate: Type.Optional(Pem('The federation\'s metadata signing certificate (PEM). Required for an aggregate; when given, the metadata must be signed with it.'))
}, { additionalProperties: false, description: 'Exactly one of `metadata_xml` and `metadata_url`.' })

const OidcSettings = Type.Object({
  issuer: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 512, description: 'The `iss` of the IdP\'s ID tokens, exactly.' }),
  jwks: Type.Optional(Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 10 }) }, { description: 'The IdP\'s public signing keys, inline.' })),
  jwks_uri: Type.Optional(HttpsUrl('Instead of jwks: where the IdP publishes its key set (fetched, cached 5 minutes, refetched on an unknown kid).'))
}, { additionalProperties: false, description: 'Exactly one of `jwks` and `jwks_uri`.' })

const SubjectMatching = Type.Object({
  match: Type.Array(Type.Enum([...SUBJECT_MATCH_TYPES]), { minItems: 1, maxItems: SUBJECT_MATCH_TYPES.length, uniqueItems: true, description: 'Which identifiers of the login name the person, in the order they are tried: the first one the login carries decides.' }),
  org_affiliation_local_id: Type.Optional(Type.Enum([...ORG_AFFILIATION_LOCAL_IDS], { description: 'What the local id of an orgAffiliation (`<local id>@<orgnr>`) is: the HR employee number (default), the service id, the e-mail address, or the directory account\'s user name.' })),
  claims: Type.Optional(Type.Partial(Type.Record(Type.Enum([...SUBJECT_MATCH_TYPES]), Type.String({ minLength: 1, maxLength: 512 })), { additionalProperties: false, description: 'Overrides of the attribute (SAML) or claim (OIDC) name an identifier is read from, for IdPs that do not use the standard names.' }))
}, { additionalProperties: false })

const platformExample = {
  kind: 'saml',
  organisations: ['2129999997', '2120000142'],
  saml: { metadata_url: 'https://idp.exempelkommun.se/metadata.xml' },
  subject: { match: ['org-affiliation', 'hsa-id', 'eppn'], org_affiliation_local_id: 'employee-number' },
  default_organisation: '2129999997'
}

export const PlatformIdentityProviderDocument = Type.Object({
  kind: Type.Enum(['saml', 'oidc'], { description: 'The protocol its logins use: SAML 2.0 assertions, or OpenID Connect ID tokens.' }),
  organisations: Type.Array(Organisation, { minItems: 1, maxItems: 200, uniqueItems: true, description: 'The organisations it signs people in for. A login is only ever resolved in one of these, whatever it says.' }),
  saml: Type.Optional(SamlSettings),
  oidc: Type.Optional(OidcSettings),
  subject: SubjectMatching,
  default_organisation: Type.Optional(Organisation)
}, {
  additionalProperties: false,
  description: 'An identity provider whose logins relying parties may exchange for attribute tokens (RFC 8693). `kind` saml takes `saml`, oidc takes `oidc`. `default_organisation` (one of `organisations`) is where identifiers that carry no organisation (HSA-id, eppn, personnummer, employee number, e-mail, service id) are looked up; when it is absent they are looked up only if the IdP serves a single organisation.',
  examples: [platformExample]
})
export type PlatformIdentityProviderDocument = Static<typeof PlatformIdentityProviderDocument>

const SamlMetadataView = Type.Object({
  entity_id: Type.String({ description: 'The IdP\'s entityID: the `<Issuer>` its assertions carry.' }),
  signing_certificates: Type.Array(Type.Object({ sha256: Type.String({ description: 'SHA-256 fingerprint, hex.' }), not_after: Type.String({ format: 'date-time' }) })),
  valid_until: Nullable(Type.String({ format: 'date-time', description: 'The metadata\'s validUntil; logins are refused after it.' })),
  read_at: Type.String({ format: 'date-time' }),
  refresh_after: Nullable(Type.String({ format: 'date-time', description: 'When `metadata_url` is read again (on the next login after it); null for inline metadata.' }))
})

export const PlatformIdentityProviderView = Type.Object({
  ...PlatformIdentityProviderDocument.properties,
  id: Type.String(),
  metadata: Type.Optional(SamlMetadataView),
  shortcut_of: Type.Optional(Type.String({ description: 'For a registration made through `PUT /v1/organisations/{org}/identity-provider`: that organisation.' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, {
  examples: [{
    ...platformExample,
    id: 'exempelkommun-idp',
    metadata: { entity_id: 'https://idp.exempelkommun.se/saml', signing_certificates: [{ sha256: '3f1c…', not_after: '2028-01-01T00:00:00.000Z' }], valid_until: '2026-12-12T00:00:00.000Z', read_at: '2026-12-05T08:00:00.000Z', refresh_after: '2026-12-05T14:00:00.000Z' },
    created_at: '2026-12-05T08:00:00.000Z',
    updated_at: '2026-12-05T08:00:00.000Z'
  }]
})
export type PlatformIdentityProviderView = Static<typeof PlatformIdentityProviderView>

export const IdentityProviderParams = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'The registration\'s name: lowercase letters, digits and hyphens. `org-<orgnr>` is the organisation route\'s shortcut.' })
})

export const IdentityProviderListQuery = Type.Object({
  organisation: Type.Optional(OrganisationNumber('path', 'Only the registrations serving this organisation.')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })

export const IdentityProviderList = Type.Object({
  items: Type.Array(PlatformIdentityProviderView),
  next_cursor: Nullable(Type.String())
}, { examples: [{ items: (PlatformIdentityProviderView as { examples?: unknown[] }).examples, next_cursor: null }] })
