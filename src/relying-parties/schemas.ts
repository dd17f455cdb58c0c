import { Type } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { Cursor } from '../http/cursor.js'
import { relyingPartyDocumentExample, relyingPartyViewExample } from './relying-party-examples.js'
import { CLAIMS_PROFILES, SUBJECT_TYPES } from './relying-party-document.js'
import { KNOWN_LOA_URIS, LOA3 } from '../identifiers/loa.js'

export const CLIENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'

export const RelyingPartyParams = Type.Object({
  client_id: Type.String({ pattern: CLIENT_ID_PATTERN, description: 'The client_id: letters, digits, dots, underscores and hyphens, at most 128 characters. It is the iss and sub of the client assertions and the aud of attribute tokens.' })
})

/** Reading a party: its registered client_id, or a federated party's entity id (an https URL, percent-encoded in the path). */
export const ReadRelyingPartyParams = Type.Object({
  client_id: Type.String({ pattern: `^(?:${CLIENT_ID_PATTERN.slice(1, -1)}|https://[!-~]+)$`, maxLength: 512, description: 'The client_id, or a federated relying party\'s entity id (an https URL of at most 512 characters, percent-encoded in the path).' })
})

export const RelyingPartyDocumentSchema = Type.Object({}, {
  additionalProperties: true,
  description: 'A relying party as schemas/relying-party.schema.json defines it (name, organisation, jwks or jwks_uri, release, token_lifetime, disabled, subject_token_audiences, min_loa, claims_profile, purposes). Validated against that schema; failures are 422 relying-party-invalid with JSON Pointers.',
  examples: [relyingPartyDocumentExample]
})

export const RelyingPartyViewSchema = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  organisation: Type.Optional(Type.String({ description: 'Organisation number, 10 digits. Absent on a federated relying party.' })),
  jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) })),
  jwks_uri: Type.Optional(Type.String()),
  release: Type.Object({
    attributes: Type.Array(Type.String()),
    domains: Type.Array(Type.String()),
    organisations: Type.Union([Type.Literal('all'), Type.Array(Type.String())]),
    subject: Type.Enum(SUBJECT_TYPES),
    legal_basis: Type.Optional(Type.String())
  }),
  token_lifetime: Type.Integer(),
  disabled: Type.Boolean(),
  subject_token_audiences: Type.Optional(Type.Array(Type.String(), { description: 'The names (SAML SP entityIDs, OIDC client_ids) under which its e-service receives logins; token exchange accepts a subject token only for these, its own client_id or behorig\'s issuer.' })),
  min_loa: Type.Optional(Type.Enum([...KNOWN_LOA_URIS], { description: `The lowest level of assurance of a login token exchange accepts for this party; absent means ${LOA3}.` })),
  claims_profile: Type.Enum([...CLAIMS_PROFILES], { description: 'Which claims its attribute tokens carry: behorig (the v1 claims only) or sweden (the v1 claims and the national names beside them; docs/tokens.md).' }),
  purposes: Type.Optional(Type.Array(Type.Object({ id: Type.String(), description: Type.String(), legal_basis: Type.String() }), { description: 'The purposes of use it registered; requests state one by id (`purpose`).' })),
  federation: Type.Optional(Type.Object({
    trust_anchor: Type.String({ description: 'The entity id of the trust anchor its trust chain ends at.' }),
    expires_at: Type.String({ format: 'date-time', description: 'When its trust chain (or required trust mark) expires; its next token request after that resolves the chain again.' }),
    refused: Type.Optional(Type.String({ description: 'Why the last resolution failed: the party is disabled until a resolution succeeds.' })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Its resolved metadata (`oauth_client`, `federation_entity`), metadata policies applied.' }))
  }, { description: 'Present only on a relying party that joined through OpenID Federation (its client_id is its entity id): it is created and kept up to date by behorig, not by PUT.' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { description: 'The stored relying party, with defaults filled in.', examples: [relyingPartyViewExample] })

export const RelyingPartyListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Page size.' }),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })

export const RelyingPartyList = Type.Object({ items: Type.Array(RelyingPartyViewSchema), next_cursor: Nullable(Type.String()) }, { examples: [{ items: [relyingPartyViewExample], next_cursor: null }] })
