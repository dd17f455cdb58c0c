import type { AttributePath } from '../scim-attribute-lookup.js'

/** The filter grammar of RFC 7644 §3.4.2.2 as a tree. */
export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const
export type CompareOperator = typeof COMPARE_OPERATORS[number]

/** `compValue = false / null / true / number / string` */
export type FilterValue = string | number | boolean | null

export interface CompareFilter { op: CompareOperator, path: AttributePath, value: FilterValue }
export interface PresentFilter { op: 'pr', path: AttributePath }
export interface LogicalFilter { op: 'and' | 'or', filters: ScimFilter[] }
export interface NotFilter { op: 'not', filter: ScimFilter }
/**
 * `emails[type eq "work"]`: some value of the multi-valued attribute matches `filter`, whose
 * paths name sub-attributes. `emails[type eq "work"].value eq "a@b.se"` is read as
 * `emails[type eq "work" and value eq "a@b.se"]`, so both conditions hold for the same value.
 */
export interface ValuePathFilter { op: 'valuePath', path: AttributePath, filter: ScimFilter }

export type ScimFilter = CompareFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter
