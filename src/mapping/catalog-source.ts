import type { Kysely, Transaction } from 'kysely'
import { catalogRepository } from '../catalog/repository.js'
import type { Database } from '../store/database-types.js'
import { catalogView } from './catalog-view.js'
import type { CatalogAttributeInfo, CatalogView } from './mapping-types.js'
import { jsonColumn } from '../store/json-column.js'

export interface CatalogSource {
  /**
   * The published catalog version, or undefined when it was never published; read through
   * `db`, which inside a transaction must be that transaction's handle.
   */
  view (db: Kysely<Database> | Transaction<Database>, domain: string, version: string): Promise<CatalogView | undefined>
}

/**
 * Catalog versions as the store recorded them at publication (catalog_versions), so API
 * nodes and workers see the same versions. Published versions never change, so a version
 * once read is kept; one not (yet) published is asked for again next time. It holds no
 * store handle of its own: the caller's transaction is the only one it can read through.
 */
export function storedCatalogSource (): CatalogSource {
  const cache = new Map<string, CatalogView>()
  return {
    async view (db, domain, version) {
      const key = `${domain}@${version}`
      const known = cache.get(key)
      if (known) return known
      const row = await catalogRepository(db).document(domain, version)
      if (!row) return undefined
      const document = jsonColumn<{ attributes: Array<CatalogAttributeInfo & { id: string }> }>(row.document)
      const view = catalogView(document.attributes)
      cache.set(key, view)
      return view
    }
  }
}
