import { compareAttribute, type CatalogChange, type VersionBump } from './catalog-attribute-changes.js'
import type { CatalogDocument } from './catalog-types.js'

export type { CatalogChange, VersionBump } from './catalog-attribute-changes.js'

/** One revision of the references to an act, and the attributes that carry it. */
export interface ReferenceChange {
  act: string
  from: string
  to: string
  attributes: string[]
}

export interface CodeListChange {
  list: 'areas' | 'functions'
  code: string
  change: 'added' | 'removed' | 'relabelled'
}

/** What changed from one version of a domain to another, and the version step that needs. */
export interface CatalogDiff {
  domain: string
  from: string
  to: string
  added: string[]
  deprecated: Array<{ id: string, replaced_by: string | null }>
  removed: string[]
  changed: Array<{ id: string, fields: string[] }>
  /** Revised references to acts the attributes still rest on (what a lawyer reviews), one entry per revision. */
  references: ReferenceChange[]
  codes: CodeListChange[]
  /** The smallest step from `from` that these changes allow (before the 0.x relaxation). */
  required_bump: VersionBump
  /** Every change with its own required step, for messages that say exactly what forces a bump. */
  changes: CatalogChange[]
}

const RANK: Record<VersionBump, number> = { none: 0, patch: 1, minor: 2, major: 3 }

export function bumpRank (bump: VersionBump): number {
  return RANK[bump]
}

/**
 * The one source of truth for the semver rules (attribute-catalog/README.md): adding or
 * deprecating is minor; removing, or changing facets, acts or external names, is major;
 * wording is patch. The validator enforces exactly what this reports.
 */
export function diffCatalogs (from: CatalogDocument, to: CatalogDocument): CatalogDiff {
  if (from.domain !== to.domain) throw new TypeError(`cannot diff ${from.domain} against ${to.domain}`)
  const diff: CatalogDiff = {
    domain: to.domain,
    from: from.version,
    to: to.version,
    added: [],
    deprecated: [],
    removed: [],
    changed: [],
    references: [],
    codes: [],
    required_bump: 'none',
    changes: []
  }
  diffAttributes(from, to, diff)
  diffCodeLists(from, to, diff)
  diffWording(from, to, diff)
  diff.required_bump = diff.changes.reduce<VersionBump>((max, c) => RANK[c.bump] > RANK[max] ? c.bump : max, 'none')
  return diff
}

function diffAttributes (from: CatalogDocument, to: CatalogDocument, diff: CatalogDiff): void {
  const before = new Map(from.attributes.map((a) => [a.id, a]))
  const after = new Set(to.attributes.map((a) => a.id))
  to.attributes.forEach((attribute, i) => {
    const pointer = `/attributes/${i}`
    const earlier = before.get(attribute.id)
    if (!earlier) {
      diff.added.push(attribute.id)
      diff.changes.push({ bump: 'minor', subject: attribute.id, pointer, message: `Attribute ${attribute.id} was added.` })
      return
    }
    const comparison = compareAttribute(earlier, attribute, pointer)
    if (comparison.deprecated) diff.deprecated.push({ id: attribute.id, replaced_by: attribute.replaced_by ?? null })
    if (comparison.fields.length > 0) diff.changed.push({ id: attribute.id, fields: comparison.fields })
    for (const r of comparison.references) {
      const same = diff.references.find((e) => e.act === r.act && e.from === r.from && e.to === r.to)
      if (same) same.attributes.push(attribute.id)
      else diff.references.push({ ...r, attributes: [attribute.id] })
    }
    diff.changes.push(...comparison.changes)
  })
  for (const attribute of from.attributes) {
    if (after.has(attribute.id)) continue
    diff.removed.push(attribute.id)
    diff.changes.push({ bump: 'major', subject: attribute.id, pointer: '/attributes', message: `Attribute ${attribute.id} was removed.` })
  }
}

function diffCodeLists (from: CatalogDocument, to: CatalogDocument, diff: CatalogDiff): void {
  for (const list of ['areas', 'functions'] as const) {
    const noun = list === 'areas' ? 'area' : 'function'
    const before = new Map(from[list].map((e) => [e.code, e]))
    const after = new Set(to[list].map((e) => e.code))
    to[list].forEach((entry, i) => {
      const earlier = before.get(entry.code)
      const subject = `${list}/${entry.code}`
      if (!earlier) {
        diff.codes.push({ list, code: entry.code, change: 'added' })
        diff.changes.push({ bump: 'minor', subject, pointer: `/${list}/${i}`, message: `The ${noun} code "${entry.code}" was added.` })
      } else if (earlier.label.sv !== entry.label.sv || earlier.label.en !== entry.label.en) {
        diff.codes.push({ list, code: entry.code, change: 'relabelled' })
        diff.changes.push({ bump: 'patch', subject, pointer: `/${list}/${i}/label`, message: `The ${noun} code "${entry.code}" has a new label.` })
      }
    })
    for (const entry of from[list]) {
      if (after.has(entry.code)) continue
      diff.codes.push({ list, code: entry.code, change: 'removed' })
      diff.changes.push({ bump: 'major', subject: `${list}/${entry.code}`, pointer: `/${list}`, message: `The ${noun} code "${entry.code}" was removed.` })
    }
  }
}

function diffWording (from: CatalogDocument, to: CatalogDocument, diff: CatalogDiff): void {
  for (const field of ['title', 'description'] as const) {
    if (from[field].sv !== to[field].sv || from[field].en !== to[field].en) {
      diff.changes.push({ bump: 'patch', subject: field, pointer: `/${field}`, message: `The catalog's ${field} has new wording.` })
    }
  }
}
