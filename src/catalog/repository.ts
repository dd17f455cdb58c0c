import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { PublishedCatalogVersion } from './catalog-publication.js'
import type { CatalogEntry } from './catalog-types.js'

type Db = Kysely<Database> | Transaction<Database>

export function catalogRepository (db: Db) {
  return {
    /** Serialises start-up publication across nodes (until the transaction ends). */
    async lock (): Promise<void> {
      await sql`lock table catalog_versions in share row exclusive mode`.execute(db)
    },
    async published (): Promise<PublishedCatalogVersion[]> {
      return db.selectFrom('catalog_versions').select(['domain', 'version', 'hash']).execute()
    },
    /** A published version's document, or undefined when it was never published. */
    async document (domain: string, version: string): Promise<{ document: unknown } | undefined> {
      return db.selectFrom('catalog_versions').select('document').where('domain', '=', domain).where('version', '=', version).executeTakeFirst()
    },
    /** Records versions not seen before; recorded ones are never rewritten. Returns what was new. */
    async record (entries: readonly CatalogEntry[]): Promise<PublishedCatalogVersion[]> {
      if (entries.length === 0) return []
      return db.insertInto('catalog_versions')
        .values(entries.map((e) => ({ domain: e.document.domain, version: e.document.version, hash: e.hash, document: JSON.stringify(e.document) })))
        .onConflict((oc) => oc.columns(['domain', 'version']).doNothing())
        .returning(['domain', 'version', 'hash'])
        .execute()
    }
  }
}
