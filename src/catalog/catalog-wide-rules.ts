import type { VersionedDocument } from './catalog-history-rules.js'
import type { CatalogAttribute, CatalogViolation } from './catalog-types.js'
import { entitlementOf } from './entitlement.js'

/**
 * Rules over every loaded catalog at once, across domains and versions: what neither one
 * document nor one domain's history can decide. Documents are taken in the order given
 * (the loader's: domain, then version), and a violation is reported on the later one.
 */
export function catalogWideViolations (entries: readonly VersionedDocument[]): CatalogViolation[] {
  return [...foreignReplacementsAreActive(entries), ...entitlementsNameOneAttribute(entries)]
}

/**
 * `replaced_by` may name another domain's attribute when some loaded version of that domain
 * has it active. (A replacement in the same domain is checked against the same version, in
 * catalog-document-rules.ts.)
 */
function foreignReplacementsAreActive (entries: readonly VersionedDocument[]): CatalogViolation[] {
  const statuses = new Map<string, Map<string, Set<CatalogAttribute['status']>>>()
  for (const { document } of entries) {
    const ids = statuses.get(document.domain) ?? new Map<string, Set<CatalogAttribute['status']>>()
    for (const a of document.attributes) ids.set(a.id, (ids.get(a.id) ?? new Set()).add(a.status))
    statuses.set(document.domain, ids)
  }
  return entries.flatMap(({ file, document }) => document.attributes.flatMap((attribute, i): CatalogViolation[] => {
    const target = attribute.replaced_by
    if (target === undefined || attribute.status !== 'deprecated' || target.startsWith(document.domain + '.')) return []
    const domain = target.split('.')[0] ?? ''
    const ids = statuses.get(domain)
    const seen = ids?.get(target)
    let problem: string | undefined
    if (!ids) problem = `which belongs to the domain ${domain}, and no catalog of ${domain} is loaded; validate its file together with this one`
    else if (!seen) problem = `which is in no version of the ${domain} catalog; add it there first or name an attribute that is`
    else if (!seen.has('active')) problem = `which is deprecated in every version of the ${domain} catalog that has it; name the active attribute that takes over`
    if (!problem) return []
    return [{ file, pointer: `/attributes/${i}/replaced_by`, rule: 'dangling-replaced-by', message: `Attribute ${attribute.id} is replaced by ${target}, ${problem}.` }]
  }))
}

/**
 * An entitlement URI, as entitlementOf renders it (so the default URN counts), names one
 * attribute id in the whole catalog, for good: consumers that matched on it must never
 * find it meaning something else. (Two attributes of one document sharing a URI are
 * `duplicate-entitlement`, reported by the document rules.)
 */
function entitlementsNameOneAttribute (entries: readonly VersionedDocument[]): CatalogViolation[] {
  const first = new Map<string, { id: string, file: string, where: string }>()
  const out: CatalogViolation[] = []
  for (const { file, document } of entries) {
    const own = new Map<string, string>()
    document.attributes.forEach((attribute, i) => {
      const uri = entitlementOf(attribute)
      if (!own.has(uri)) own.set(uri, attribute.id)
      const owner = first.get(uri)
      if (!owner || owner.id === attribute.id || owner.file === file) return
      out.push({
        file,
        pointer: attribute.external?.entitlement === undefined ? `/attributes/${i}/id` : `/attributes/${i}/external/entitlement`,
        rule: 'entitlement-reused',
        message: `Attribute ${attribute.id} renders as the entitlement ${uri}, which names ${owner.id} in ${owner.where}; an entitlement URI names one attribute for good, so give this one its own.`
      })
    })
    for (const [uri, id] of own) if (!first.has(uri)) first.set(uri, { id, file, where: `${document.domain} ${document.version}` })
  }
  return out
}
