import type { CatalogEntry, CatalogViolation } from './catalog-types.js'
import { PublishedCatalogChanged } from './errors.js'

/** What the store remembers of a version once it has served it. */
export interface PublishedCatalogVersion {
  domain: string
  version: string
  hash: string
}

/**
 * Published means frozen: each version the store has recorded must still be there with
 * the same content hash. Formatting and comments may change (the hash is over content).
 */
export function changedPublications (entries: readonly CatalogEntry[], published: readonly PublishedCatalogVersion[]): CatalogViolation[] {
  return published.flatMap((record): CatalogViolation[] => {
    const entry = entries.find((e) => e.document.domain === record.domain && e.document.version === record.version)
    if (!entry) {
      return [{ file: `${record.domain}/${record.version}.yaml`, pointer: '', rule: 'published-changed', message: `Version ${record.version} of ${record.domain} was published, but no catalog file holds it any more. Published versions are never withdrawn; deprecate attributes in a new version instead.` }]
    }
    if (entry.hash === record.hash) return []
    return [{ file: entry.file, pointer: '', rule: 'published-changed', message: `Version ${record.version} of ${record.domain} was published with content ${record.hash}, but the file now has ${entry.hash}. Published means frozen: put the change in a new version.` }]
  })
}

/** Throws `published-catalog-changed` (409) naming the first changed version. */
export function assertPublicationsUnchanged (entries: readonly CatalogEntry[], published: readonly PublishedCatalogVersion[]): void {
  const changed = changedPublications(entries, published)
  const first = changed[0]
  if (!first) return
  throw PublishedCatalogChanged({
    detail: first.message,
    errors: changed.map((v) => ({ pointer: v.pointer, detail: `${v.file}: ${v.message}` })),
    extensions: { violations: changed }
  })
}
