import { Type, type Static } from 'typebox'
import { ActorSchema } from '../audit/actor-schema.js'
import { Cursor } from '../http/cursor.js'
import { Nullable } from '../http/nullable.js'
import { HSA_ID_MAX_LENGTH, HSA_ID_PATTERN } from '../identifiers/hsa-id.js'
import { OrganisationNumber } from '../organisations/schemas.js'

export const PERSON_KEYS = ['employee-number', 'service-id', 'hsa-id', 'email'] as const
export type PersonKey = typeof PERSON_KEYS[number]

const ATTRIBUTE_ID = Type.String({ pattern: '^[a-z][a-z0-9]*(\\.[a-z0-9][a-z0-9-]*)+$', maxLength: 200, description: 'A catalog attribute id, e.g. socialtjanst.eb.handlaggare.' })
const SERVICE_ID = Type.String({ minLength: 1, maxLength: 200, pattern: '^[!-~]+$', description: 'Service identity (tjänsteidentitet) the person logs in with.' })
const HSA_ID = Type.String({ pattern: HSA_ID_PATTERN, maxLength: HSA_ID_MAX_LENGTH, description: 'HSA-id, e.g. SE2120001124-ABC12.' })
const NAME = Type.String({ minLength: 1, maxLength: 200 })

const KnownPerson = Type.Object({
  type: Type.Enum(PERSON_KEYS, { description: 'How `value` names the person: employee number, service-id, HSA-id or e-mail (which must name exactly one person).' }),
  value: Type.String({ minLength: 1, maxLength: 320 })
}, { additionalProperties: false, description: 'A person the organisation already has (from HR, a directory, SCIM, or an earlier assignment).' })

const ExternalPerson = Type.Object({
  external: Type.Object({
    given_name: NAME,
    family_name: NAME,
    service_id: Type.Optional(SERVICE_ID),
    hsa_id: Type.Optional(HSA_ID),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 }))
  }, { additionalProperties: false, description: 'A substitute not in HR: becomes a person of the organisation with no employment, found by logins and lookups through the service-id or HSA-id (one of them is required; given both, both).' })
}, { additionalProperties: false })

export const AssignmentInput = Type.Object({
  person: Type.Union([KnownPerson, ExternalPerson]),
  attribute: ATTRIBUTE_ID,
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The unit a unit-scoped attribute is granted for (an id in the organisation\'s unit tree); absent for an organisation-scoped one.' })),
  valid_from: Type.String({ format: 'date', description: 'First day (Europe/Stockholm) the attribute is held, YYYY-MM-DD.' }),
  valid_until: Type.String({ format: 'date', description: 'Last day it is held, inclusive; not before valid_from, not in the past, and at most BEHORIG_ASSIGNMENT_MAX_DAYS days (default 366) after valid_from counting both.' }),
  reason: Type.String({ minLength: 3, maxLength: 1000, description: 'Why: shown in provenance and the audit log.' }),
  reference: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'The decision it rests on, e.g. a delegation decision\'s reference.' }))
}, {
  additionalProperties: false,
  examples: [{ person: { external: { given_name: 'Vera', family_name: 'Vikarie', service_id: 'ts-vera-vikarie' } }, attribute: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr', valid_from: '2027-06-20', valid_until: '2027-08-15', reason: 'Sommarvikariat för handläggare på EB Norr', reference: 'delegationsbeslut 2027-12' }]
})
export type AssignmentInput = Static<typeof AssignmentInput>

export const AssignmentEnd = Type.Object({
  reason: Type.String({ minLength: 3, maxLength: 1000, description: 'Why it ends early.' })
}, { additionalProperties: false, examples: [{ reason: 'Ordinarie handläggare åter i tjänst' }] })

export const assignmentExample = {
  id: '5b0f3c2e-8d1a-4f6b-9c7e-2a4d6e8f0b13',
  person_id: 'c7e2a9d4-3b5f-4e81-a6c0-9d2f4b7e1a35',
  attribute: 'socialtjanst.eb.handlaggare',
  unit: 'soc-eb-norr',
  valid_from: '2027-06-20',
  valid_until: '2027-08-15',
  reason: 'Sommarvikariat för handläggare på EB Norr',
  reference: 'delegationsbeslut 2027-12',
  granted_by: { kind: 'api-key', key_id: 'k_3f9a', organisation: '2129999997' },
  created_at: '2027-06-01T09:00:00.000Z',
  ended_at: null,
  ended_by: null,
  end_reason: null
}
export type AssignmentEnd = Static<typeof AssignmentEnd>

export const AssignmentView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  person_id: Type.String({ description: 'The person (GET /v1/organisations/{org}/people/{id}).' }),
  attribute: Type.String(),
  unit: Nullable(Type.String()),
  valid_from: Type.String({ format: 'date' }),
  valid_until: Type.String({ format: 'date' }),
  reason: Type.String(),
  reference: Nullable(Type.String()),
  granted_by: ActorSchema,
  created_at: Type.String({ format: 'date-time' }),
  ended_at: Nullable(Type.String({ format: 'date-time', description: 'When it was ended early; null while it runs its course.' })),
  ended_by: Type.Union([...ActorSchema.anyOf, Type.Null()], { description: 'Who ended it early; null while it runs its course.' }),
  end_reason: Nullable(Type.String())
}, { examples: [assignmentExample] })
export type AssignmentView = Static<typeof AssignmentView>

export const AssignmentList = Type.Object({ items: Type.Array(AssignmentView), next_cursor: Nullable(Type.String()) }, { examples: [{ items: [assignmentExample], next_cursor: null }] })

export const AssignmentParams = Type.Object({
  org: OrganisationNumber('path', 'Organisation number: 10 digits, no hyphen, Luhn-checked.'),
  id: Type.String({ format: 'uuid', description: 'Assignment id.' })
})

export const AssignmentQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Page size.' }),
  cursor: Type.Optional(Cursor),
  person: Type.Optional(Type.String({ format: 'uuid', description: 'Only this person\'s assignments (person id).' })),
  attribute: Type.Optional(ATTRIBUTE_ID),
  active_on: Type.Optional(Type.String({ format: 'date', description: 'Only assignments that grant on this day: not ended early, valid_from ≤ day ≤ valid_until.' }))
}, { additionalProperties: false })
export type AssignmentQuery = Static<typeof AssignmentQuery>
