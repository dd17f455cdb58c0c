import type { Kysely, Transaction } from 'kysely'
import type { AuditActor } from '../audit/audit-event.js'
import type { Database } from '../store/database-types.js'
import { jsonColumn } from '../store/json-column.js'
import type { AssignedGrant } from './assignment-grants.js'
import { personFilter, type PersonPage } from './person-facts-repository.js'

type Db = Kysely<Database> | Transaction<Database>

/** The assignments a recompute or an explanation grants from: not ended, and not over by `day`. */
export function assignmentGrantRepository (db: Db) {
  return {
    async live (organisation: string, ids: readonly string[], day: string, filter: { domain?: string, attribute_id?: string, page?: PersonPage } = {}): Promise<AssignedGrant[]> {
      if (ids.length === 0) return []
      let q = db.selectFrom('assignments').select(['id', 'person_id', 'attribute_id', 'unit_id', 'valid_from', 'valid_until', 'reason', 'granted_by'])
        .where('organisation', '=', organisation).where((eb) => personFilter(eb, ids, filter.page ?? {}))
        .where('ended_at', 'is', null).where('valid_until', '>=', day)
      if (filter.domain !== undefined) q = q.where('domain', '=', filter.domain)
      if (filter.attribute_id !== undefined) q = q.where('attribute_id', '=', filter.attribute_id)
      const rows = await q.orderBy('person_id').orderBy('valid_from').orderBy('id').execute()
      return rows.map((r) => ({ ...r, granted_by: jsonColumn<AuditActor>(r.granted_by) }))
    },

    /** The people whose assignments began (valid_from in (since, day]) or ran out (valid_until in [since, day)). */
    async dayChanged (organisation: string, since: string, day: string): Promise<string[]> {
      const rows = await db.selectFrom('assignments').select('person_id').distinct()
        .where('organisation', '=', organisation).where('ended_at', 'is', null)
        .where((eb) => eb.or([
          eb.and([eb('valid_from', '>', since), eb('valid_from', '<=', day)]),
          eb.and([eb('valid_until', '>=', since), eb('valid_until', '<', day)])
        ])).execute()
      return rows.map((r) => r.person_id)
    }
  }
}
