import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import { withTenant } from '../store/tenant-scope.js'

export function unitRepository (db: Kysely<Database>) {
  return {
    /** The organisation's units by id, in its tenant scope (row-level security). */
    list: (organisation: string, options: { after: string | undefined, limit: number }) => withTenant(db, organisation, async (trx) => {
      let q = trx.selectFrom('units').select(['id', 'name', 'parent_id', 'kind', 'hsa_id', 'school_unit_code', 'source', 'removed_at'])
        .where('organisation', '=', organisation).orderBy('id').limit(options.limit)
      if (options.after) q = q.where('id', '>', options.after)
      return (await q.execute()).map((u) => ({ ...u, removed_at: u.removed_at ? new Date(u.removed_at).toISOString() : null }))
    })
  }
}

export type UnitRepository = ReturnType<typeof unitRepository>
