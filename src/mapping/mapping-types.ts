import type { AuditActor } from '../audit/audit-event.js'
/**
 * The mapping document (schemas/mapping.schema.json) and the facts it is evaluated
 * against. The schema is the public contract; a test checks that the key lists below
 * match it, so the two cannot drift apart.
 */

import type { ProblemFieldError } from '../http/problem.js'
import type { GroupFact } from '../directory/group-resolver.js'

/** The directory resolves group membership; mappings evaluate it. */
export type { GroupFact }

export const EMPLOYMENT_TYPES = ['tillsvidare', 'visstid', 'vikariat', 'timavlonad', 'uppdrag'] as const
export type EmploymentType = typeof EMPLOYMENT_TYPES[number]

/** Condition keys about one employment, in the order explanations describe them. */
export const EMPLOYMENT_CONDITION_KEYS = ['position_codes', 'titles', 'unit_within', 'unit_kinds', 'employment_types', 'min_extent'] as const
export const PERSON_CONDITION_KEYS = ['groups'] as const
export const COMBINATOR_KEYS = ['all', 'any', 'not'] as const
export const CONDITION_KEYS = [...COMBINATOR_KEYS, ...EMPLOYMENT_CONDITION_KEYS, ...PERSON_CONDITION_KEYS] as const
export type ConditionKey = typeof CONDITION_KEYS[number]

/** One or more keys; every key present must hold (an implicit `all`). */
export interface Condition {
  all?: Condition[]
  any?: Condition[]
  not?: Condition
  position_codes?: string[]
  titles?: string[]
  unit_within?: string | string[]
  unit_kinds?: string[]
  employment_types?: EmploymentType[]
  groups?: string[]
  min_extent?: number
}

export interface MappingRule {
  id: string
  description?: string
  when: Condition
  grant: string[]
}

export interface MappingDocument {
  domain: string
  catalog_version: string
  description?: string
  rules: MappingRule[]
}

/** One employment as the store knows it; dates are `YYYY-MM-DD`. */
export interface EmploymentFact {
  /** The store's id for the employment record (what provenance cites). */
  employment_id: string
  unit_id: string
  position_code: string | null
  title: string | null
  employment_type: EmploymentType | null
  /** Percent of full time; null when the source does not say. */
  extent: number | null
  start_date: string
  end_date: string | null
}

/** Everything the evaluator needs about one person; the store builds it. */
export interface PersonFacts {
  person_id: string
  employments: EmploymentFact[]
  groups: GroupFact[]
}

/** What one rule matched for one person on one day. */
export interface RuleMatch {
  rule: MappingRule
  employments: EmploymentFact[]
  /** Per matching employment id, the memberships that satisfied its `groups` conditions. */
  groups: Map<string, GroupFact[]>
}

/** Why a person holds a grant: one entry per rule that produced it. */
/** A mapping rule's grant: the rule and the employments and groups that satisfied it. */
export interface RuleProvenance {
  mapping_version: number
  rule_id: string
  employment_ids: string[]
  /** DNs of the groups, as the person's facts spell them, that satisfied `groups` conditions. */
  group_dns: string[]
  /** For nested memberships among `group_dns`: the path from the direct group (see GroupFact.via). */
  group_via: Record<string, string[]>
}

/** An assignment's grant (src/assignments): who granted it and why. */
export interface AssignmentProvenance {
  assignment: string
  granted_by: AuditActor
  reason: string
}

export type GrantProvenance = RuleProvenance | AssignmentProvenance

/** An effective attribute, one per (attribute_id, unit_id) for a person. */
export interface EffectiveGrant<P extends GrantProvenance = GrantProvenance> {
  attribute_id: string
  /** The unit the grant is tied to when the catalog scopes the attribute to units; null = organisation-wide. */
  unit_id: string | null
  valid_from: string
  /** null = open-ended. */
  valid_until: string | null
  provenance: P[]
}

/** What the mapping rules alone grant. */
export type RuleGrant = EffectiveGrant<RuleProvenance>

export type AttributeScope = 'organisation' | 'unit'

/** What mappings need to know of one catalog attribute (attribute-catalog/<domain>/<version>.yaml). */
export interface CatalogAttributeInfo {
  status: 'active' | 'deprecated'
  replaced_by?: string
  scope: AttributeScope
  /** A deprecated attribute's retirement day: from it on, nobody holds it. */
  retires_on?: string
}

/** One catalog version, as far as mappings need it. */
export interface CatalogView {
  attribute: (id: string) => CatalogAttributeInfo | undefined
}

export type MappingWarningCode =
  | 'deprecated-attribute' | 'unknown-unit' | 'units-not-synced'
  | 'unknown-group' | 'groups-not-synced' | 'redundant-rule'

/** A finding that does not stop a mapping from being published. */
export interface MappingWarning extends ProblemFieldError {
  code: MappingWarningCode
}
