import type { Kysely } from 'kysely'
import { catalogRepository } from '../catalog/repository.js'
import { entitlementOf } from '../catalog/entitlement.js'
import type { Database } from '../store/database-types.js'
import { jsonColumn } from '../store/json-column.js'

/** An attribute id → its entitlement URI, for one published catalog version. */
export type EntitlementsOf = (domain: string, version: string) => Promise<ReadonlyMap<string, string>>

/**
 * The entitlement URIs of published catalog versions, as the store recorded them. A
 * published version never changes, so each is read once per process; a failed read is
 * forgotten and tried again by the next token.
 */
export function catalogEntitlements (db: Kysely<Database>): EntitlementsOf {
  const cache = new Map<string, Promise<ReadonlyMap<string, string>>>()
  return (domain, version) => {
    const key = `${domain}@${version}`
    let entitlements = cache.get(key)
    if (!entitlements) {
      entitlements = read(db, domain, version)
      entitlements.catch(() => cache.delete(key))
      cache.set(key, entitlements)
    }
    return entitlements
  }
}

async function read (db: Kysely<Database>, domain: string, version: string): Promise<ReadonlyMap<string, string>> {
  const row = await catalogRepository(db).document(domain, version)
  const attributes = row ? jsonColumn<{ attributes: Array<{ id: string, external?: { entitlement?: string } }> }>(row.document).attributes : []
  return new Map(attributes.map((a) => [a.id, entitlementOf(a)]))
}
