import type { CatalogAttributeInfo, CatalogView } from './mapping-types.js'

/** A CatalogView over a catalog version's attribute list (as the catalog document holds it). */
export function catalogView (attributes: Iterable<CatalogAttributeInfo & { id: string }>): CatalogView {
  const byId = new Map<string, CatalogAttributeInfo>()
  for (const a of attributes) {
    byId.set(a.id, a.replaced_by === undefined ? { status: a.status, scope: a.scope } : { status: a.status, scope: a.scope, replaced_by: a.replaced_by })
  }
  return { attribute: (id) => byId.get(id) }
}
