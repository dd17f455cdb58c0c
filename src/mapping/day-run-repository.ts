import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'

type Db = Kysely<Database> | Transaction<Database>

/** Which organisations' days the day job has done (attribute_day_runs, migration 0022). */
export function dayRunRepository (db: Db) {
  return {
    /**
     * Records `days` as done by the run of `runOn`, keeping rows that exist; returns the days
     * this call recorded. Another transaction's uncommitted row for a day makes this wait for
     * it: committed, the day is not returned; rolled back, it is.
     */
    async claim (organisation: string, days: readonly string[], runOn: string): Promise<string[]> {
      if (days.length === 0) return []
      const rows = await db.insertInto('attribute_day_runs').values(days.map((day) => ({ organisation, day, run_on: runOn })))
        .onConflict((oc) => oc.columns(['organisation', 'day']).doNothing()).returning('day').execute()
      return rows.map((r) => r.day)
    },

    /** The latest day done before `day`, if any. */
    async lastBefore (organisation: string, day: string): Promise<string | undefined> {
      const row = await db.selectFrom('attribute_day_runs').select((eb) => eb.fn.max('day').as('day'))
        .where('organisation', '=', organisation).where('day', '<', day).executeTakeFirst()
      return row?.day ?? undefined
    },

    /** Organisations with no run recorded for `day`. */
    async due (day: string): Promise<string[]> {
      const rows = await db.selectFrom('organisations').select('number')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('attribute_day_runs').select(sql<number>`1`.as('one'))
          .whereRef('attribute_day_runs.organisation', '=', 'organisations.number').where('attribute_day_runs.day', '=', day))))
        .orderBy('number').execute()
      return rows.map((r) => r.number)
    }
  }
}
