import { Type } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { Cursor } from '../http/cursor.js'
import { EMPLOYMENT_TYPES } from '../sources/source-records.js'
import { EffectiveAttributeSchema, ExplainParams } from '../mapping/schemas.js'

const OrgNumber = Type.String({ 'x-organisation-number': 'path', description: 'Organisation number, 10 digits.' })

export const PersonParams = Type.Object({ org: OrgNumber, id: Type.String({ format: 'uuid', description: 'Person id.' }) })

const EmployeeNumber = Type.String({ minLength: 1, maxLength: 64, description: 'The person\'s employee number, as the HR source gives it (exact match).', examples: ['100234'] })

export const EmployeeNumberParams = Type.Object({ org: OrgNumber, employee_number: EmployeeNumber })
export const ExplainByEmployeeNumberParams = Type.Object({ org: OrgNumber, employee_number: EmployeeNumber, attr: ExplainParams.properties.attr })

export const PeopleQuery = Type.Object({
  employee_number: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Exact employee number (GET …/people/by-employee-number/{employee_number} reads one person directly).' })),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, description: 'Email, case-insensitive.' })),
  hsa_id: Type.Optional(Type.String({ minLength: 1, maxLength: 31, description: 'Exact HSA-id, e.g. SE2120001124-ABC12.' })),
  attribute: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)+$', maxLength: 200, description: 'Only holders of this catalog attribute (for any unit), e.g. socialtjanst.eb.handlaggare.' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })

export const Employment = Type.Object({
  id: Type.String(),
  source: Type.String({ description: 'The source that reported it.' }),
  employment_id: Nullable(Type.String()),
  unit_id: Type.String(),
  position_code: Nullable(Type.String({ description: 'Position code, e.g. an AID code.' })),
  title: Nullable(Type.String()),
  employment_type: Type.Enum(EMPLOYMENT_TYPES),
  start_date: Type.String({ format: 'date' }),
  end_date: Nullable(Type.String({ format: 'date' })),
  extent: Nullable(Type.Number()),
  ended_at: Nullable(Type.String({ format: 'date-time', description: 'When the source stopped listing it; null while listed.' })),
  last_run: Type.String({ description: 'The sync run that last set it.' })
})

export const Person = Type.Object({
  id: Type.String(),
  service_id: Type.String({ description: 'Service identity (tjänsteidentitet): how the person is known outward. Generated ones start with ts-.' }),
  employee_number: Nullable(Type.String()),
  given_name: Nullable(Type.String()),
  family_name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  hsa_id: Nullable(Type.String({ description: 'HSA-id (employeeHsaId) as the HR source gives it, e.g. SE2120001124-ABC12; null when it gives none.' })),
  has_personal_identity_number: Type.Boolean({ description: 'Whether a personnummer is stored (encrypted). The number itself is never returned.' }),
  source: Type.String(),
  last_run: Type.String(),
  updated_at: Type.String({ format: 'date-time' }),
  employments: Type.Array(Employment),
  groups: Type.Array(Type.Object({
    dn: Type.String({ description: 'Group DN (normalised). Membership is by DN, never by CN.' }),
    source: Type.String({ description: 'The directory source that reported it.' }),
    via: Type.Array(Type.String(), { description: 'For nested membership: the groups in between, the direct group first; empty when direct.' })
  }), { description: 'Directory groups the person is in through correlated, enabled accounts, nested groups resolved.' }),
  attributes: Type.Array(EffectiveAttributeSchema, { description: 'Effective attributes the active mappings grant, one per attribute and unit scope, with provenance. Recomputed after every sync run that changes the person, after every publish, and by the day job after midnight when one of the person\'s employments began or ended.' })
})

export const PeopleList = Type.Object({ items: Type.Array(Person), next_cursor: Nullable(Type.String()) })
