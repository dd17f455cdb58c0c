import { sql, type Kysely } from 'kysely'
import type { Insertable } from 'kysely'
import type { Database, StagedEmploymentTable, StagedUnitTable, SyncQuarantineTable } from '../store/database-types.js'

/** Rows as the staging tables take them (one definition: the table types in store/). */
export type StagedEmploymentRow = Insertable<StagedEmploymentTable>
export type StagedUnitRow = StagedUnitTable
export type QuarantineRow = Omit<SyncQuarantineTable, 'problems' | 'raw'> & { problems: string, raw: string | null }

export function stagingRepository (db: Kysely<Database>) {
  return {
    /**
     * One JSON parameter per batch rather than ~20 bound parameters per row: PostgreSQL
     * parses a JSON array far faster than it binds thousands of parameters (measured
     * with scripts/bench/hr-import.ts), and PGlite takes the same statement.
     */
    async insertEmployments (rows: StagedEmploymentRow[]): Promise<void> {
      if (rows.length) {
        await sql`insert into staged_employments
          select * from jsonb_populate_recordset(null::staged_employments, ${JSON.stringify(rows)}::jsonb)`.execute(db)
      }
    },
    async insertUnits (rows: StagedUnitRow[]): Promise<void> {
      if (rows.length) await db.insertInto('staged_units').values(rows).onConflict((oc) => oc.doNothing()).execute()
    },
    async insertQuarantine (rows: QuarantineRow[]): Promise<void> {
      if (rows.length) await db.insertInto('sync_quarantine').values(rows).execute()
    },
    /** Takes back records the snapshot checker rejected after they were staged. */
    async removeEmployments (runId: string, keys: string[]): Promise<void> {
      if (keys.length) await db.deleteFrom('staged_employments').where('run_id', '=', runId).where('key', 'in', keys).execute()
    },
    async removeUnits (runId: string, unitIds: string[]): Promise<void> {
      if (unitIds.length) await db.deleteFrom('staged_units').where('run_id', '=', runId).where('unit_id', 'in', unitIds).execute()
    },
    /** Fresh statistics after a bulk load, so the diff and apply get sensible plans. */
    async analyze (): Promise<void> {
      await sql`analyze staged_employments, staged_units`.execute(db)
    },
    async clear (runId: string): Promise<void> {
      await db.deleteFrom('staged_employments').where('run_id', '=', runId).execute()
      await db.deleteFrom('staged_units').where('run_id', '=', runId).execute()
    }
  }
}

export type StagingRepository = ReturnType<typeof stagingRepository>
