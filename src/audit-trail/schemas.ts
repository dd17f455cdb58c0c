import { Type, type Static } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { ListQuery, OrganisationNumber } from '../organisations/schemas.js'
import { PublicJwkSchema } from '../keys/schemas.js'
import { AUDIT_ACTIONS } from '../audit/audit-event.js'
import { ActorSchema } from '../audit/actor-schema.js'
import { BREAK_REASONS } from './audit-verifier.js'

export const AuditQuery = Type.Object({
  person: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only events about this person (person id).' })),
  relying_party: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only events about this relying party (client_id).' })),
  action: Type.Optional(Type.Enum(AUDIT_ACTIONS, { description: 'Only events of this action.' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Only events at or after this time.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Only events before this time.' })),
  ...ListQuery.properties
}, { additionalProperties: false })
export type AuditQuery = Static<typeof AuditQuery>

/** The platform chain names no person: the same filters but that one. */
export const PlatformAuditQuery = Type.Object({
  relying_party: AuditQuery.properties.relying_party,
  action: AuditQuery.properties.action,
  from: AuditQuery.properties.from,
  to: AuditQuery.properties.to,
  ...ListQuery.properties
}, { additionalProperties: false })

export const AuditEventSchema = Type.Object({
  chain: Type.String({ description: 'The organisation number, or `platform`.' }),
  seq: Type.Integer({ minimum: 1, description: 'Position in the chain, from 1, without gaps.' }),
  at: Type.String({ format: 'date-time' }),
  organisation: Nullable(Type.String()),
  action: Type.String({ description: `One of: ${AUDIT_ACTIONS.join(', ')}.` }),
  actor: ActorSchema,
  person_id: Nullable(Type.String()),
  client_id: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  prev_hash: Type.String({ description: 'The previous event\'s hash; 64 zeros for the first.' }),
  hash: Type.String({ description: 'SHA-256 (hex) of this event; docs/audit.md gives the formula.' })
})

export const AuditEventList = Type.Object({ items: Type.Array(AuditEventSchema), next_cursor: Nullable(Type.String()) })

export const DisclosureSchema = Type.Object({
  at: Type.String({ format: 'date-time', description: 'When the token was issued.' }),
  relying_party: Type.Object({ client_id: Type.String(), name: Type.Optional(Type.String({ description: 'As registered now; absent when the relying party is gone.' })) }),
  attributes: Type.Array(Type.Object({ id: Type.String(), unit: Type.Optional(Type.String()) }), { description: 'The attributes the token carried.' }),
  jti: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  catalog: Type.Optional(Type.Object({ domain: Type.String(), version: Type.String() })),
  purpose: Type.Optional(Type.String({ description: 'The purpose id the relying party stated; absent when it stated none.' }))
})

export const DisclosureList = Type.Object({ items: Type.Array(DisclosureSchema), next_cursor: Nullable(Type.String()) })

export const VerifyQuery = Type.Object({
  organisation: Type.Optional(OrganisationNumber('path', 'The organisation whose chain to verify (10 digits); absent: the platform chain.'))
}, { additionalProperties: false })

export const VerificationSchema = Type.Object({
  organisation: Nullable(Type.String()),
  chain: Type.String(),
  events: Type.Integer({ description: 'Events read.' }),
  ok: Type.Boolean(),
  head: Type.Object({ seq: Type.Integer(), hash: Type.String() }, { description: 'The last event read.' }),
  checkpoint: Type.Optional(Type.Object({ id: Type.Integer(), seq: Type.Integer() }, { description: 'The latest signed checkpoint covering the chain, which the chain was also checked against.' })),
  first_broken: Type.Optional(Type.Object({
    seq: Type.Integer({ description: 'The first sequence number that cannot be trusted.' }),
    reason: Type.Enum(BREAK_REASONS)
  }))
})

export const CheckpointSchema = Type.Object({
  id: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
  checkpoint: Type.String({ description: 'Compact JWS, `typ: audit-checkpoint+jwt`, claims `iss`, `iat`, `chains`.' }),
  chains: Type.Array(Type.Object({ chain: Type.String(), seq: Type.Integer(), hash: Type.String() })),
  public_jwk: Type.Object(PublicJwkSchema.properties, { description: 'The key that verifies `checkpoint`, kept here because keys leave the JWKS when they retire.' })
})

export const CheckpointList = Type.Object({ items: Type.Array(CheckpointSchema), next_cursor: Nullable(Type.String()) })
