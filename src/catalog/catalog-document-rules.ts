import { pathCoordinates } from './catalog-loader.js'
import type { CatalogDocument, CatalogViolation } from './catalog-types.js'
import { ENTITLEMENT_URN_PREFIX as ENTITLEMENT_URN } from './entitlement.js'

/**
 * What one schema-valid document must satisfy beyond its schema. Each check is a named
 * function so the list below reads as the checklist a catalog reviewer goes through.
 */
export function documentRuleViolations (file: string, doc: CatalogDocument, options: { checkPath: boolean }): CatalogViolation[] {
  const out: CatalogViolation[] = []
  const report = (pointer: string, rule: CatalogViolation['rule'], message: string) => out.push({ file, pointer, rule, message })
  if (options.checkPath) pathMatchesDocument(file, doc, report)
  codesAreUnique(doc, report)
  idsAreUniqueAndInDomain(doc, report)
  codesExist(doc, report)
  replacementsPointAtActiveAttributes(doc, report)
  deprecationNotesOnlyWhenDeprecated(doc, report)
  entitlementsMatchIds(doc, report)
  return out
}

type Report = (pointer: string, rule: CatalogViolation['rule'], message: string) => void

function pathMatchesDocument (file: string, doc: CatalogDocument, report: Report): void {
  const at = pathCoordinates(file)
  if (!at) {
    report('', 'file-layout', `The file is not named <domain>/<version>.yaml, so its place in the catalog is unclear; name it ${doc.domain}/${doc.version}.yaml.`)
    return
  }
  if (at.domain !== doc.domain) report('/domain', 'path-mismatch', `The catalog says its domain is "${doc.domain}" but the file lies in the folder "${at.domain}"; they must agree.`)
  if (at.version !== doc.version) report('/version', 'path-mismatch', `The catalog says it is version ${doc.version} but the file is named ${at.version}.yaml; they must agree.`)
}

function codesAreUnique (doc: CatalogDocument, report: Report): void {
  for (const list of ['areas', 'functions'] as const) {
    const first = new Map<string, number>()
    doc[list].forEach((entry, i) => {
      const earlier = first.get(entry.code)
      if (earlier === undefined) first.set(entry.code, i)
      else report(`/${list}/${i}/code`, 'duplicate-code', `The code "${entry.code}" appears twice in ${list} (entries ${earlier + 1} and ${i + 1}); each code is listed once.`)
    })
  }
}

function idsAreUniqueAndInDomain (doc: CatalogDocument, report: Report): void {
  const first = new Map<string, number>()
  doc.attributes.forEach((attribute, i) => {
    const earlier = first.get(attribute.id)
    if (earlier === undefined) first.set(attribute.id, i)
    else report(`/attributes/${i}/id`, 'duplicate-id', `The id ${attribute.id} is used by attributes ${earlier + 1} and ${i + 1}; every attribute needs its own id.`)
    if (!attribute.id.startsWith(doc.domain + '.')) {
      report(`/attributes/${i}/id`, 'id-domain', `The id ${attribute.id} does not start with "${doc.domain}.", the domain of this catalog.`)
    }
  })
}

function codesExist (doc: CatalogDocument, report: Report): void {
  const areas = doc.areas.map((a) => a.code)
  const functions = doc.functions.map((f) => f.code)
  doc.attributes.forEach((attribute, i) => {
    if (attribute.area !== undefined && !areas.includes(attribute.area)) {
      report(`/attributes/${i}/area`, 'unknown-area', `Attribute ${attribute.id} uses the area "${attribute.area}", which is not in this catalog's areas (${areas.join(', ') || 'none'}).`)
    }
    if (!functions.includes(attribute.function)) {
      report(`/attributes/${i}/function`, 'unknown-function', `Attribute ${attribute.id} uses the function "${attribute.function}", which is not in this catalog's functions (${functions.join(', ') || 'none'}).`)
    }
  })
}

/**
 * A replacement in the same domain must be active in this very version. One in another
 * domain cannot be judged from this document alone: validateCatalogs checks it against the
 * other domains' loaded versions (catalog-wide-rules.ts).
 */
function replacementsPointAtActiveAttributes (doc: CatalogDocument, report: Report): void {
  const byId = new Map(doc.attributes.map((a) => [a.id, a]))
  doc.attributes.forEach((attribute, i) => {
    const target = attribute.replaced_by
    if (target === undefined) return
    const pointer = `/attributes/${i}/replaced_by`
    const sameDomain = target.startsWith(doc.domain + '.')
    if (attribute.status === 'active') {
      report(pointer, 'replaced-by-on-active', `Attribute ${attribute.id} is active but names replaced_by; only a deprecated attribute has a replacement.`)
    } else if (sameDomain && !byId.has(target)) {
      report(pointer, 'dangling-replaced-by', `Attribute ${attribute.id} is replaced by ${target}, which is not in version ${doc.version}; add it or name an attribute that is.`)
    } else if (sameDomain && byId.get(target)?.status !== 'active') {
      report(pointer, 'dangling-replaced-by', `Attribute ${attribute.id} is replaced by ${target}, which is itself deprecated; name the active attribute that takes over.`)
    }
  })
}

/** A deprecation note explains a deprecation without a replacement: not an active attribute, not beside replaced_by. A retirement day is only for a deprecated attribute. */
function deprecationNotesOnlyWhenDeprecated (doc: CatalogDocument, report: Report): void {
  doc.attributes.forEach((attribute, i) => {
    if (attribute.retires_on !== undefined && attribute.status === 'active') {
      report(`/attributes/${i}/retires_on`, 'retires-on-active', `Attribute ${attribute.id} is active but has a retires_on; deprecate it first (with replaced_by or a deprecation_note), then give the day it retires.`)
    }
    if (attribute.deprecation_note === undefined) return
    if (attribute.status === 'active') {
      report(`/attributes/${i}/deprecation_note`, 'deprecation-note-on-active', `Attribute ${attribute.id} is active but has a deprecation_note; only a deprecated attribute explains why it has no replacement.`)
    } else if (attribute.replaced_by !== undefined) {
      report(`/attributes/${i}`, 'replacement-and-note', `Attribute ${attribute.id} is deprecated with both replaced_by and a deprecation_note; a deprecation note is for an attribute without a replacement, so keep one of them.`)
    }
  })
}

function entitlementsMatchIds (doc: CatalogDocument, report: Report): void {
  const first = new Map<string, string>()
  doc.attributes.forEach((attribute, i) => {
    const entitlement = attribute.external?.entitlement
    if (entitlement === undefined) return
    const pointer = `/attributes/${i}/external/entitlement`
    if (entitlement.startsWith(ENTITLEMENT_URN) && entitlement !== ENTITLEMENT_URN + attribute.id) {
      report(pointer, 'entitlement-mismatch', `Attribute ${attribute.id} has the entitlement ${entitlement}; a behorig entitlement URN is ${ENTITLEMENT_URN}${attribute.id}.`)
    }
    const owner = first.get(entitlement)
    if (owner === undefined) first.set(entitlement, attribute.id)
    else report(pointer, 'duplicate-entitlement', `Attributes ${owner} and ${attribute.id} both render as the entitlement ${entitlement}; consumers could not tell them apart.`)
  })
}
