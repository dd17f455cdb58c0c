import { sql, type Kysely, type Transaction } from 'kysely'
import type { Insertable } from 'kysely'
import { everyColumn, unnestRows } from '../store/column-arrays.js'
import type { Database, StagedAccountTable, StagedEmploymentTable, StagedGroupTable, StagedMemberTable, StagedUnitTable, SyncQuarantineTable } from '../store/database-types.js'

/** Rows as the staging tables take them (one definition: the table types in store/). */
export type StagedEmploymentRow = Insertable<StagedEmploymentTable>
export type StagedUnitRow = StagedUnitTable
export type StagedAccountRow = StagedAccountTable
export type StagedGroupRow = StagedGroupTable & { members: string[] }
export type QuarantineRow = Omit<SyncQuarantineTable, 'problems' | 'raw'> & { problems: string, raw: string | null }

const EMPLOYMENT_COLUMNS = everyColumn<StagedEmploymentRow>()([
  ['run_id', 'text'], ['key', 'text'], ['row_number', 'integer'], ['employment_id', 'text'], ['employee_number', 'text'],
  ['given_name', 'text'], ['family_name', 'text'], ['email', 'text'], ['pin_sealed', 'text'], ['pin_lookup', 'text'],
  ['service_id', 'text'], ['hsa_id', 'text'], ['unit_id', 'text'], ['position_code', 'text'], ['title', 'text'],
  ['employment_type', 'text'], ['start_date', 'date'], ['end_date', 'date'], ['extent', 'numeric'], ['record_hash', 'text']
])

const ACCOUNT_COLUMNS = everyColumn<StagedAccountRow>()([
  ['run_id', 'text'], ['unique_id', 'text'], ['row_number', 'integer'], ['dn', 'text'], ['employee_number', 'text'],
  ['email', 'text'], ['display_name', 'text'], ['given_name', 'text'], ['family_name', 'text'], ['hsa_id', 'text'],
  ['username', 'text'], ['disabled', 'boolean'], ['record_hash', 'text']
])

const GROUP_COLUMNS = everyColumn<StagedGroupTable>()([['run_id', 'text'], ['dn', 'text'], ['cn', 'text'], ['record_hash', 'text']])
const MEMBER_COLUMNS = everyColumn<StagedMemberTable>()([['run_id', 'text'], ['group_dn', 'text'], ['member_dn', 'text']])

export function stagingRepository (db: Kysely<Database> | Transaction<Database>) {
  return {
    async insertEmployments (rows: StagedEmploymentRow[]): Promise<void> {
      if (rows.length === 0) return
      const { names, select } = unnestRows(rows, EMPLOYMENT_COLUMNS)
      await sql`insert into staged_employments ${names} ${select}`.execute(db)
    },
    async insertAccounts (rows: StagedAccountRow[]): Promise<void> {
      if (rows.length === 0) return
      const { names, select } = unnestRows(rows, ACCOUNT_COLUMNS)
      await sql`insert into staged_accounts ${names} ${select}`.execute(db)
    },
    async insertGroups (rows: StagedGroupRow[]): Promise<void> {
      if (rows.length === 0) return
      const groups = unnestRows(rows, GROUP_COLUMNS)
      await sql`insert into staged_groups ${groups.names} ${groups.select}`.execute(db)
      const members = rows.flatMap((g) => g.members.map((m) => ({ run_id: g.run_id, group_dn: g.dn, member_dn: m })))
      // A large group can have tens of thousands of members: three parameters, not three per member.
      if (members.length) {
        const edges = unnestRows(members, MEMBER_COLUMNS)
        await sql`insert into staged_members ${edges.names} ${edges.select} on conflict do nothing`.execute(db)
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
