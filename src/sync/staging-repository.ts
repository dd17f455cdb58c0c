import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'

export interface StagedEmploymentRow {
  run_id: string
  key: string
  row_number: number
  employment_id: string | null
  employee_number: string
  given_name: string | null
  family_name: string | null
  email: string | null
  pin_sealed: string | null
  pin_lookup: string | null
  service_id: string | null
  unit_id: string
  position_code: string | null
  title: string | null
  employment_type: string
  start_date: string
  end_date: string | null
  extent: number | null
  record_hash: string
}

export interface StagedUnitRow { run_id: string, unit_id: string, name: string, parent_id: string | null, kind: string | null, hsa_id: string | null }

export interface QuarantineRow {
  run_id: string
  seq: number
  row_number: number
  record_type: string
  pointer: string
  code: string
  reason: string
  problems: string
  raw: string | null
}

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
