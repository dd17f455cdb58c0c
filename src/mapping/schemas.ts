import { Type } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { Cursor } from '../http/cursor.js'
import { Int4 } from '../http/pg-integer.js'
import { OrganisationNumber } from '../organisations/schemas.js'
import { ActorSchema } from '../audit/actor-schema.js'
import { MAPPING_STATUSES } from './mapping-version-repository.js'

export const MappingParams = Type.Object({
  org: OrganisationNumber('path', 'Organisation number: 10 digits, no hyphen, Luhn-checked.'),
  version: Int4({ description: 'Mapping version number (1, 2, … per organisation).' })
})

export const MappingListQuery = Type.Object({
  status: Type.Optional(Type.Enum(MAPPING_STATUSES, { description: 'Only versions in this status.' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })

export const PreviewQuery = Type.Object({
  limit: Type.Integer({ minimum: 0, maximum: 10000, default: 100, description: 'Most person ids listed per attribute and kind of change; counts are always exact.' })
}, { additionalProperties: false })

export const MappingWarningSchema = Type.Object({
  pointer: Type.String({ description: 'JSON Pointer into the submitted document; "" for the whole document.' }),
  detail: Type.String(),
  code: Type.String({ description: 'deprecated-attribute, unknown-unit, units-not-synced, unknown-group, groups-not-synced or redundant-rule.' })
})

const Status = Type.Enum(MAPPING_STATUSES, { description: 'draft: submitted, never published; active: the domain\'s published version; superseded: was active until a newer version was published.' })

export const MappingCreated = Type.Object({
  version: Type.Integer(),
  status: Type.Literal('draft'),
  warnings: Type.Array(MappingWarningSchema),
  domain: Type.String(),
  catalog_version: Type.String()
})

export const MappingSummary = Type.Object({
  version: Type.Integer(),
  domain: Type.String(),
  catalog_version: Type.String(),
  status: Status,
  description: Nullable(Type.String()),
  rules: Type.Integer({ description: 'Number of rules.' }),
  warnings: Type.Array(MappingWarningSchema),
  created_by: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  published_by: Nullable(Type.String()),
  published_at: Nullable(Type.String({ format: 'date-time' })),
  superseded_at: Nullable(Type.String({ format: 'date-time' }))
})

export const MappingView = Type.Intersect([MappingSummary, Type.Object({
  document: Type.Object({}, { additionalProperties: true, description: 'The mapping as validated (schemas/mapping.schema.json).' }),
  source: Type.Object({
    format: Type.Enum(['yaml', 'json'] as const),
    text: Type.String({ description: 'The body as submitted, comments included.' })
  })
})])

export const PublishedMapping = Type.Intersect([MappingView, Type.Object({
  recompute: Type.Object({
    people: Type.Integer({ description: 'People evaluated.' }),
    grants: Type.Integer({ description: 'Effective attributes of the domain they now hold.' }),
    changed: Type.Integer({ description: 'People whose attributes were rewritten.' }),
    revoked: Type.Integer({ description: 'Attributes (per person and unit) taken away.' })
  }, { description: 'What the full recompute in the publishing transaction did.' })
})])

export const MappingList = Type.Object({ items: Type.Array(MappingSummary), next_cursor: Nullable(Type.String()) })

const AttributeChange = Type.Object({
  before: Type.Integer({ description: 'People holding it under the active version.' }),
  after: Type.Integer({ description: 'People who would hold it under this version.' }),
  gained_count: Type.Integer(),
  lost_count: Type.Integer(),
  rescoped_count: Type.Integer({ description: 'People holding it before and after, for a different set of units.' }),
  gained: Type.Array(Type.String(), { description: 'Person ids, at most `limit`; `listed_people` names each.' }),
  lost: Type.Array(Type.String()),
  rescoped: Type.Array(Type.String())
})

export const MappingPreviewSchema = Type.Object({
  version: Type.Integer(),
  domain: Type.String(),
  day: Type.String({ format: 'date', description: 'The day evaluated (today in Sweden).' }),
  compared_with: Nullable(Type.Integer({ description: 'The active version compared with; null when none is published.' })),
  people: Type.Integer({ description: 'People evaluated.' }),
  attributes: Type.Record(Type.String(), AttributeChange, { description: 'Per attribute id that anyone holds before or after.' }),
  rule_matches: Type.Record(Type.String(), Type.Integer(), { description: 'Per rule id: how many people it matches.' }),
  rules_matching_nobody: Type.Array(Type.String()),
  listed_people: Type.Record(Type.String(), Type.Object({
    employee_number: Nullable(Type.String()),
    given_name: Nullable(Type.String()),
    family_name: Nullable(Type.String())
  }), { description: 'Every person id in the gained, lost and rescoped lists, with the employee number and name stewards know the person by.' })
})

const RuleProvenanceSchema = Type.Object({
  mapping_version: Type.Integer(),
  rule_id: Type.String(),
  employment_ids: Type.Array(Type.String(), { description: 'Ids of the employments (as in the person\'s `employments`) that satisfied the rule.' }),
  group_dns: Type.Array(Type.String(), { description: 'Groups whose membership satisfied a `groups` condition.' }),
  group_via: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'For nested memberships: the groups in between, the direct group first.' })
}, { description: 'Granted by a mapping rule.' })

const AssignmentProvenanceSchema = Type.Object({
  assignment: Type.String({ format: 'uuid', description: 'The assignment\'s id (GET /v1/organisations/{org}/assignments/{id}).' }),
  granted_by: ActorSchema,
  reason: Type.String()
}, { description: 'Granted by an assignment (docs/assignments.md).' })

export const ProvenanceSchema = Type.Union([RuleProvenanceSchema, AssignmentProvenanceSchema])

export const GrantSchema = Type.Object({
  attribute_id: Type.String(),
  unit_id: Nullable(Type.String({ description: 'The unit a unit-scoped attribute is held for; null = organisation-wide.' })),
  valid_from: Type.String({ format: 'date' }),
  valid_until: Nullable(Type.String({ format: 'date' })),
  provenance: Type.Array(ProvenanceSchema)
})

export const EffectiveAttributeSchema = Type.Object({
  id: Type.String({ description: 'Catalog attribute id.' }),
  domain: Type.String(),
  unit_id: Nullable(Type.String({ description: 'The unit a unit-scoped attribute is held for; null = organisation-wide.' })),
  valid_from: Type.String({ format: 'date', description: 'Earliest start of the justifying employments and assignments.' }),
  valid_until: Nullable(Type.String({ format: 'date', description: 'Latest end of the justifying employments and assignments; null = open-ended.' })),
  mapping_version: Type.Integer(),
  provenance: Type.Array(ProvenanceSchema, { description: 'One entry per rule and per assignment that grants it.' }),
  computed_at: Type.String({ format: 'date-time', description: 'When this grant last changed (a recompute that finds it unchanged leaves it).' })
})

export const ExplainParams = Type.Object({
  org: OrganisationNumber('path', 'Organisation number: 10 digits, no hyphen, Luhn-checked.'),
  id: Type.String({ format: 'uuid', description: 'Person id.' }),
  attr: Type.String({ pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)+$', maxLength: 200, description: 'Catalog attribute id, e.g. socialtjanst.eb.handlaggare.' })
})

export const ExplanationSchema = Type.Object({
  person_id: Type.String(),
  attribute_id: Type.String(),
  day: Type.String({ format: 'date' }),
  mapping_version: Nullable(Type.Integer({ description: 'The active mapping version of the attribute\'s domain.' })),
  holds: Type.Boolean(),
  text: Type.String({ description: 'The explanation in words.' }),
  grants: Type.Array(GrantSchema),
  data: Type.Array(ProvenanceSchema),
  nearest: Type.Optional(Type.Object({
    rule_id: Type.String(),
    employment_id: Type.String(),
    conditions_met: Type.Integer(),
    conditions_total: Type.Integer(),
    unmet: Type.Array(Type.String())
  }, { description: 'When not held: the granting rule that came nearest, and what is missing.' })),
  records: Type.Object({
    employments: Type.Array(Type.Object({
      employment_id: Type.String(),
      unit_id: Type.String(),
      position_code: Nullable(Type.String()),
      title: Nullable(Type.String()),
      employment_type: Nullable(Type.String()),
      extent: Nullable(Type.Number()),
      start_date: Type.String({ format: 'date' }),
      end_date: Nullable(Type.String({ format: 'date' }))
    })),
    groups: Type.Array(Type.Object({ dn: Type.String(), via: Type.Optional(Type.Array(Type.String())) }))
  }, { description: 'The employment and group records the provenance cites.' })
})
