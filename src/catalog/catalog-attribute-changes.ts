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

/** A reference to one act, revised: the act's references before and after, as a reader writes them. */
export interface RevisedReference {
  act: string
  from: string
  to: string
}

export interface AttributeComparison {
  /** Changed fields, without a deprecation (which is reported on its own). */
  fields: string[]
  deprecated: boolean
  /** References to an act the attribute rested on before and still does, written differently now. */
  references: RevisedReference[]
  changes: CatalogChange[]
}

/** Compares one attribute across two versions; `pointer` is its place in the newer one. */
export function compareAttribute (before: CatalogAttribute, after: CatalogAttribute, pointer: string): AttributeComparison {
  const id = after.id
  const result: AttributeComparison = { fields: [], deprecated: false, references: [], changes: [] }
  const change = (field: string | undefined, bump: ChangeBump, message: string, at = pointer) => {
    if (field && !result.fields.includes(field)) result.fields.push(field)
    result.changes.push({ bump, subject: id, pointer: at, message })
  }
  for (const facet of FACETS) {
    if (before[facet] !== after[facet]) {
      change(facet, 'major', `Attribute ${id} changed its ${facet} from ${shown(before[facet])} to ${shown(after[facet])}, which changes who holds it.`, `${pointer}/${facet}`)
    }
  }
  compareLegalBasis(before, after, result, (bump, message) => change('legal_basis', bump, message, `${pointer}/legal_basis`))
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
function compareLegalBasis (before: CatalogAttribute, after: CatalogAttribute, result: AttributeComparison, change: (bump: ChangeBump, message: string) => void): void {
  const acts = (a: CatalogAttribute) => [...new Set(a.legal_basis.map((l) => l.act))].sort()
  const was = acts(before)
  const now = acts(after)
  if (canonicalJson(was) !== canonicalJson(now)) {
    change('major', `Attribute ${after.id} now rests on other acts (was: ${was.join('; ') || 'none'}; now: ${now.join('; ') || 'none'}).`)
  } else if (canonicalJson(before.legal_basis) !== canonicalJson(after.legal_basis)) {
    const written = (a: CatalogAttribute, act: string) => a.legal_basis.filter((l) => l.act === act).map(reference).sort().join('; ')
    for (const act of now) {
      const from = written(before, act)
      const to = written(after, act)
      if (from !== to) result.references.push({ act, from, to })
    }
    change('minor', `Attribute ${after.id} has revised legal references: ${result.references.map((r) => `${r.from} → ${r.to}`).join('; ')}.`)
  }
}

/** `Kommunallag (2017:725) 6 kap. 37–40 §§`, `Socialtjänstlag (2025:400), in force from 2025-07-01`. */
export function reference (l: CatalogAttribute['legal_basis'][number]): string {
  const designation = l.sfs ?? l.version
  return `${l.act}${designation ? ` (${designation})` : ''}${l.section ? ` ${l.section}` : ''}${l.in_force_from ? `, in force from ${l.in_force_from}` : ''}`
}

function compareStatus (before: CatalogAttribute, after: CatalogAttribute, result: AttributeComparison, change: (field: string | undefined, bump: ChangeBump, message: string) => void): void {
  if (before.status === 'active' && after.status === 'deprecated') {
    result.deprecated = true
    const why = after.replaced_by !== undefined ? `in favour of ${after.replaced_by}` : 'without a replacement (see its deprecation_note)'
    change(undefined, 'minor', `Attribute ${after.id} was deprecated ${why}.`)
    return
  }
  if (before.status === 'deprecated' && after.status === 'active') {
    change('status', 'minor', `Attribute ${after.id} is active again.`)
  } else if (before.replaced_by !== after.replaced_by) {
    change('replaced_by', 'minor', `Attribute ${after.id} is now replaced by ${shown(after.replaced_by)} instead of ${shown(before.replaced_by)}.`)
  }
  // The retirement day is part of the deprecation too: setting, moving or dropping it is minor.
  if (before.retires_on !== after.retires_on) {
    const what = after.retires_on === undefined ? `no longer retires (it was to on ${shown(before.retires_on)})` : before.retires_on === undefined ? `retires on ${after.retires_on}` : `retires on ${after.retires_on} instead of ${before.retires_on}`
    change('retires_on', 'minor', `Attribute ${after.id} ${what}.`)
  }
  // The note is about the deprecation, like the replacement: adding, rewording or dropping it is minor.
  if (canonicalJson(before.deprecation_note ?? null) !== canonicalJson(after.deprecation_note ?? null)) {
    const what = after.deprecation_note === undefined ? 'no deprecation note any more' : before.deprecation_note === undefined ? 'a deprecation note' : 'a reworded deprecation note'
    change('deprecation_note', 'minor', `Attribute ${after.id} has ${what}.`)
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
