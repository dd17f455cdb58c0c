import type { CatalogAttributeInfo, CatalogView } from './mapping-types.js'

/** A CatalogView over a catalog version's attribute list (as the catalog document holds it). */
export function catalogView (attributes: Iterable<CatalogAttributeInfo & { id: string }>): CatalogView {
  const byId = new Map<string, CatalogAttributeInfo>()
  for (const a of attributes) {
    byId.set(a.id, {
      status: a.status,
      scope: a.scope,
      ...(a.replaced_by !== undefined ? { replaced_by: a.replaced_by } : {}),
      ...(a.retires_on !== undefined ? { retires_on: a.retires_on } : {})
    })
  }
  return { attribute: (id) => byId.get(id) }
}
