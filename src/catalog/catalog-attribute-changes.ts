import { canonicalJson } from '../crypto/canonical-json.js'
import type { CatalogAttribute } from './catalog-types.js'

export type VersionBump = 'major' | 'minor' | 'patch' | 'none'
export type ChangeBump = Exclude<VersionBump, 'none'>

/** One difference between two versions and the smallest version step it needs. */
export interface CatalogChange {
  bump: ChangeBump
  /** The attribute id, `areas/<code>`, `functions/<code>`, or the document field. */
  subject: string
  /** Where to look in the newer document ('/attributes' for an attribute that is gone). */
  pointer: string
  message: string
}

/** Facets say who holds an attribute: changing one changes the id's meaning. */
export const FACETS = ['area', 'function', 'authority_exercise', 'scope'] as const
const WORDING = ['label', 'definition'] as const

export interface AttributeComparison {
  /** Changed fields, without a deprecation (which is reported on its own). */
  fields: string[]
  deprecated: boolean
  changes: CatalogChange[]
}

/** Compares one attribute across two versions; `pointer` is its place in the newer one. */
export function compareAttribute (before: CatalogAttribute, after: CatalogAttribute, pointer: string): AttributeComparison {
  const id = after.id
  const result: AttributeComparison = { fields: [], deprecated: false, changes: [] }
  const change = (field: string | undefined, bump: ChangeBump, message: string, at = pointer) => {
    if (field && !result.fields.includes(field)) result.fields.push(field)
    result.changes.push({ bump, subject: id, pointer: at, message })
  }
  for (const facet of FACETS) {
    if (before[facet] !== after[facet]) {
      change(facet, 'major', `Attribute ${id} changed its ${facet} from ${shown(before[facet])} to ${shown(after[facet])}, which changes who holds it.`, `${pointer}/${facet}`)
    }
  }
  compareLegalBasis(before, after, (bump, message) => change('legal_basis', bump, message, `${pointer}/legal_basis`))
  compareStatus(before, after, result, change)
  for (const field of WORDING) {
    if (before[field].sv !== after[field].sv || before[field].en !== after[field].en) {
      change(field, 'patch', `Attribute ${id} has new wording in its ${field}.`, `${pointer}/${field}`)
    }
  }
  if (canonicalJson(before.consumers) !== canonicalJson(after.consumers)) {
    change('consumers', 'patch', `Attribute ${id} lists other typical consumers.`, `${pointer}/consumers`)
  }
  compareExternal(before, after, (bump, message) => change('external', bump, message, `${pointer}/external`))
  return result
}

/** The acts an attribute rests on are part of its meaning; a revised reference to the same act is not. */
function compareLegalBasis (before: CatalogAttribute, after: CatalogAttribute, change: (bump: ChangeBump, message: string) => void): void {
  const acts = (a: CatalogAttribute) => [...new Set(a.legal_basis.map((l) => l.act))].sort()
  const was = acts(before)
  const now = acts(after)
  if (canonicalJson(was) !== canonicalJson(now)) {
    change('major', `Attribute ${after.id} now rests on other acts (was: ${was.join('; ') || 'none'}; now: ${now.join('; ') || 'none'}).`)
  } else if (canonicalJson(before.legal_basis) !== canonicalJson(after.legal_basis)) {
    change('minor', `Attribute ${after.id} has revised legal references (act versions, sections or dates).`)
  }
}

function compareStatus (before: CatalogAttribute, after: CatalogAttribute, result: AttributeComparison, change: (field: string | undefined, bump: ChangeBump, message: string) => void): void {
  if (before.status === 'active' && after.status === 'deprecated') {
    result.deprecated = true
    change(undefined, 'minor', `Attribute ${after.id} was deprecated in favour of ${after.replaced_by ?? 'nothing'}.`)
  } else if (before.status === 'deprecated' && after.status === 'active') {
    change('status', 'minor', `Attribute ${after.id} is active again.`)
  } else if (before.replaced_by !== after.replaced_by) {
    change('replaced_by', 'minor', `Attribute ${after.id} is now replaced by ${shown(after.replaced_by)} instead of ${shown(before.replaced_by)}.`)
  }
}

/** Consumers match on entitlement URIs and claims: taking one away breaks them, adding one does not. */
function compareExternal (before: CatalogAttribute, after: CatalogAttribute, change: (bump: ChangeBump, message: string) => void): void {
  const was = before.external?.entitlement
  const now = after.external?.entitlement
  if (was !== undefined && was !== now) {
    change('major', `Attribute ${after.id} no longer renders as the entitlement ${was}${now ? ` but as ${now}` : ''}; consumers matching on it would stop recognising it.`)
  } else if (was === undefined && now !== undefined) {
    change('minor', `Attribute ${after.id} now also renders as the entitlement ${now}.`)
  }
  const claimsBefore = before.external?.claims ?? []
  const claimsAfter = after.external?.claims ?? []
  const dropped = claimsBefore.filter((c) => !claimsAfter.includes(c))
  const added = claimsAfter.filter((c) => !claimsBefore.includes(c))
  if (dropped.length > 0) change('major', `Attribute ${after.id} no longer names the claims ${dropped.join(', ')}.`)
  else if (added.length > 0) change('minor', `Attribute ${after.id} now also names the claims ${added.join(', ')}.`)
}

function shown (value: unknown): string {
  return value === undefined ? '(none)' : String(value)
}
