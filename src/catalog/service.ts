import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import { loadCatalogIndex } from './catalog-startup.js'
import { assertPublicationsUnchanged, type PublishedCatalogVersion } from './catalog-publication.js'
import { catalogRepository } from './repository.js'
import type { CatalogIndex } from './catalog-index.js'
import type { CatalogEntry } from './catalog-types.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditEventInput } from '../audit/audit-event.js'

/**
 * Start-up: load and validate every catalog file, refuse any published version whose
 * content changed, and record the new versions as published, each with its
 * `catalog.loaded` event in the platform audit chain — in one transaction, so two nodes
 * starting together agree. Returns the index the API serves and what was new.
 */
export async function publishCatalogs (db: Kysely<Database>, dir?: string): Promise<{ index: CatalogIndex, recorded: PublishedCatalogVersion[] }> {
  const index = await loadCatalogIndex(dir)
  const entries: CatalogEntry[] = index.domains().flatMap((d) => d.versions.map((v) => index.entry(d.domain, v)))
  const recorded = await db.transaction().execute(async (trx) => {
    const repo = catalogRepository(trx)
    await repo.lock()
    assertPublicationsUnchanged(entries, await repo.published())
    const recorded = await repo.record(entries)
    if (recorded.length > 0) await appendAudit(trx, recorded.map(catalogLoaded))
    return recorded
  })
  return { index, recorded }
}

function catalogLoaded (version: PublishedCatalogVersion): AuditEventInput {
  return { organisation: null, action: 'catalog.loaded', actor: { kind: 'system', component: 'catalog-startup' }, details: { domain: version.domain, version: version.version, hash: version.hash } }
}
