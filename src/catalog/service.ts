import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import { loadCatalogIndex } from './catalog-startup.js'
import { assertPublicationsUnchanged, type PublishedCatalogVersion } from './catalog-publication.js'
import { catalogRepository } from './repository.js'
import type { CatalogIndex } from './catalog-index.js'
import type { CatalogEntry } from './catalog-types.js'

/**
 * Start-up: load and validate every catalog file, refuse any published version whose
 * content changed, and record the new versions as published — in one transaction, so two
 * nodes starting together agree. Returns the index the API serves and what was new.
 */
export async function publishCatalogs (db: Kysely<Database>, dir?: string): Promise<{ index: CatalogIndex, recorded: PublishedCatalogVersion[] }> {
  const index = await loadCatalogIndex(dir)
  const entries: CatalogEntry[] = index.domains().flatMap((d) => d.versions.map((v) => index.entry(d.domain, v)))
  const recorded = await db.transaction().execute(async (trx) => {
    const repo = catalogRepository(trx)
    await repo.lock()
    assertPublicationsUnchanged(entries, await repo.published())
    return repo.record(entries)
  })
  return { index, recorded }
}
