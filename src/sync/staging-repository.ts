import { sql, type Kysely, type Transaction } from 'kysely'
import type { Insertable } from 'kysely'
import type { Database, StagedAccountTable, StagedEmploymentTable, StagedGroupTable, StagedUnitTable, SyncQuarantineTable } from '../store/database-types.js'

/** Rows as the staging tables take them (one definition: the table types in store/). */
export type StagedEmploymentRow = Insertable<StagedEmploymentTable>
export type StagedUnitRow = StagedUnitTable
export type StagedAccountRow = StagedAccountTable
export type StagedGroupRow = StagedGroupTable & { members: string[] }
export type QuarantineRow = Omit<SyncQuarantineTable, 'problems' | 'raw'> & { problems: string, raw: string | null }

export function stagingRepository (db: Kysely<Database> | Transaction<Database>) {
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
    async insertAccounts (rows: StagedAccountRow[]): Promise<void> {
      if (rows.length) {
        await sql`insert into staged_accounts
          select * from jsonb_populate_recordset(null::staged_accounts, ${JSON.stringify(rows)}::jsonb)`.execute(db)
      }
    },
    async insertGroups (rows: StagedGroupRow[]): Promise<void> {
      if (rows.length === 0) return
      await db.insertInto('staged_groups').values(rows.map(({ members: _, ...g }) => g)).execute()
      const members = rows.flatMap((g) => g.members.map((m) => ({ run_id: g.run_id, group_dn: g.dn, member_dn: m })))
      // A large group can have tens of thousands of members: one JSON parameter, not one per value.
      if (members.length) {
        await sql`insert into staged_members
          select * from jsonb_populate_recordset(null::staged_members, ${JSON.stringify(members)}::jsonb)
          on conflict do nothing`.execute(db)
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
      await sql`analyze staged_employments, staged_units, staged_accounts, staged_groups, staged_members`.execute(db)
    },
    /** What an earlier attempt at the run held back: a retried run stages afresh. */
    async clearQuarantine (runId: string): Promise<void> {
      await db.deleteFrom('sync_quarantine').where('run_id', '=', runId).execute()
    },
    async clear (runId: string): Promise<void> {
      await db.deleteFrom('staged_employments').where('run_id', '=', runId).execute()
      await db.deleteFrom('staged_units').where('run_id', '=', runId).execute()
      await db.deleteFrom('staged_accounts').where('run_id', '=', runId).execute()
      await db.deleteFrom('staged_members').where('run_id', '=', runId).execute()
      await db.deleteFrom('staged_groups').where('run_id', '=', runId).execute()
    }
  }
}

export type StagingRepository = ReturnType<typeof stagingRepository>
