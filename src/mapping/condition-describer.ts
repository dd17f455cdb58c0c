import type { Condition, ConditionKey, EmploymentFact } from './mapping-types.js'
import type { UnitTree } from './unit-tree.js'

/** A condition in plain English, e.g. "position code 151010 and a unit within soc-eb (Ekonomiskt bistånd)". */
export function describeCondition (condition: Condition, units: UnitTree): string {
  const parts = (Object.entries(condition) as Array<[ConditionKey, unknown]>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => describeKey(key, value, units))
  return parts.join(' and ')
}

function describeKey (key: ConditionKey, value: unknown, units: UnitTree): string {
  switch (key) {
    case 'all': return (value as Condition[]).map((c) => nested(c, units)).join(' and ')
    case 'any': return 'either ' + (value as Condition[]).map((c) => nested(c, units)).join(' or ')
    case 'not': return `not ${nested(value as Condition, units)}`
    case 'position_codes': return `position code ${orList(value as string[])}`
    case 'titles': return `a title matching ${orList((value as string[]).map((p) => `/${p}/`))}`
    case 'unit_within': {
      const roots = typeof value === 'string' ? [value] : value as string[]
      return `a unit within ${orList(roots.map((id) => unitLabel(id, units)))}`
    }
    case 'unit_kinds': return `a unit of kind ${orList(value as string[])}`
    case 'employment_types': return `employment type ${orList(value as string[])}`
    case 'groups': return `membership of ${orList(value as string[])}`
    case 'min_extent': return `an extent of at least ${String(value)} %`
  }
}

function nested (condition: Condition, units: UnitTree): string {
  const text = describeCondition(condition, units)
  const compound = Object.keys(condition).length > 1 || 'all' in condition || 'any' in condition
  return compound ? `(${text})` : text
}

/** "unit id (name)" when the tree knows the name, else the id. */
export function unitLabel (unitId: string, units: UnitTree): string {
  const name = units.nameOf(unitId)
  return name ? `${name} (${unitId})` : unitId
}

/** E.g. "E-1001 as Socialsekreterare (151010) at Ekonomiskt bistånd norr (soc-eb-norr), tillsvidare, 100 %, active 2021-03-01–". */
export function describeEmployment (e: EmploymentFact, units: UnitTree): string {
  const position = e.title && e.position_code ? `${e.title} (${e.position_code})` : e.title ?? e.position_code ?? 'unnamed position'
  const details = [e.employment_type, e.extent === null ? null : `${e.extent} %`, `active ${e.start_date}–${e.end_date ?? ''}`]
  return [`${e.employment_id} as ${position} at ${unitLabel(e.unit_id, units)}`, ...details.filter((d) => d !== null)].join(', ')
}

function orList (items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] as string}`
}
