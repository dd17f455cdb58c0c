import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'

export interface RunScope { organisation: string, source: string, runId: string }

export interface EmploymentDiff { created: number, updated: number, unchanged: number, ended: number, active_before: number }
export interface UnitDiff { created: number, updated: number, unchanged: number, removed: number }

type Db = Kysely<Database> | Transaction<Database>

/**
 * The set-based diff and apply of one staged run against what its source said before.
 * Everything here runs inside the caller's transaction.
 */
export function applyRepository (db: Db) {
  return {
    /** Serialises runs of one source across processes, until the transaction ends. */
    async lockSource ({ organisation, source }: RunScope): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtext(${'sync:' + organisation + ':' + source}))`.execute(db)
    },

    async diffEmployments (scope: RunScope): Promise<EmploymentDiff> {
      return fullJoinDiff(db, scope, { staged: 'staged_employments', current: 'employments', key: 'key' })
    },

    async applyUnits ({ organisation, source, runId }: RunScope): Promise<UnitDiff> {
      const upserted = await sql<{ inserted: boolean }>`
        insert into units (organisation, id, name, parent_id, kind, hsa_id, school_unit_code, source, last_run)
        select ${organisation}, s.unit_id, s.name, s.parent_id, s.kind, s.hsa_id, s.school_unit_code, ${source}, ${runId}
        from staged_units s where s.run_id = ${runId}
        on conflict (organisation, id) do update set
          name = excluded.name, parent_id = excluded.parent_id, kind = excluded.kind, hsa_id = excluded.hsa_id,
          school_unit_code = excluded.school_unit_code,
          source = excluded.source, last_run = excluded.last_run, removed_at = null, updated_at = now()
        where (units.name, units.parent_id, units.kind, units.hsa_id, units.school_unit_code, units.source, units.removed_at)
          is distinct from (excluded.name, excluded.parent_id, excluded.kind, excluded.hsa_id, excluded.school_unit_code, excluded.source, null)
        returning (xmax = 0) as inserted`.execute(db)
      const removed = await sql`
        update units u set removed_at = now(), last_run = ${runId}, updated_at = now()
        where u.organisation = ${organisation} and u.source = ${source} and u.removed_at is null
          and not exists (select 1 from staged_units s where s.run_id = ${runId} and s.unit_id = u.id)`.execute(db)
      const total = await sql<{ n: number }>`select count(*)::int as n from staged_units where run_id = ${runId}`.execute(db)
      const created = upserted.rows.filter((r) => r.inserted).length
      const updated = upserted.rows.length - created
      return { created, updated, unchanged: total.rows[0]!.n - created - updated, removed: Number(removed.numAffectedRows ?? 0) }
    },

    /** One person per employee number; the snapshot's last row for a person wins. Records who changed. */
    async applyPeople ({ organisation, source, runId }: RunScope): Promise<void> {
      // A substitute made by an assignment before HR knew them (no employee number) whom HR
      // now lists under their service-id or HSA-id becomes that employee: the same person,
      // so their assignments, tokens and disclosures stay theirs.
      await sql`
        with latest as (
          select distinct on (s.employee_number) s.employee_number, s.service_id, s.hsa_id
          from staged_employments s where s.run_id = ${runId}
          order by s.employee_number, s.row_number desc
        ), adopted as (
          update people p set employee_number = l.employee_number, source = ${source}, last_run = ${runId}, updated_at = now()
          from latest l
          where p.organisation = ${organisation} and p.employee_number is null and p.source = 'assignments'
            and ((l.service_id is not null and p.service_id = l.service_id) or (l.hsa_id is not null and p.hsa_id = l.hsa_id))
            and not exists (select 1 from people q where q.organisation = ${organisation} and q.employee_number = l.employee_number)
          returning p.id
        )
        insert into sync_run_changes (run_id, person_id) select ${runId}, id from adopted on conflict do nothing`.execute(db)
      // An HSA-id names one person (people_by_hsa_id): one this run gives to someone else
      // moved (or another source had it), so the person holding it now lets go first.
      await sql`
        with latest as (
          select distinct on (s.employee_number) s.employee_number, s.hsa_id
          from staged_employments s where s.run_id = ${runId}
          order by s.employee_number, s.row_number desc
        ), released as (
          update people p set hsa_id = null, last_run = ${runId}, updated_at = now()
          from latest l
          where p.organisation = ${organisation} and l.hsa_id is not null and p.hsa_id = l.hsa_id
            and p.employee_number is distinct from l.employee_number
          returning p.id
        )
        insert into sync_run_changes (run_id, person_id) select ${runId}, id from released on conflict do nothing`.execute(db)
      await sql`
        with latest as (
          select distinct on (s.employee_number) s.*, gen_random_uuid()::text as new_id
          from staged_employments s where s.run_id = ${runId}
          order by s.employee_number, s.row_number desc
        ), incoming as (
          select l.*, coalesce(l.service_id, 'ts-' || replace(l.new_id, '-', '')) as given_service_id from latest l
        ), changed as (
          insert into people (organisation, id, service_id, employee_number, given_name, family_name, email, hsa_id, pin_sealed, pin_lookup, source, last_run)
          select ${organisation}, i.new_id, i.given_service_id, i.employee_number,
                 i.given_name, i.family_name, i.email, i.hsa_id, i.pin_sealed, i.pin_lookup, ${source}, ${runId}
          from incoming i
          -- People the upsert below would leave alone (its where clause, read before) are left out by one join.
          left join people p on p.organisation = ${organisation} and p.employee_number = i.employee_number
          where p.id is null
             or (p.given_name, p.family_name, p.email, p.hsa_id) is distinct from (i.given_name, i.family_name, i.email, i.hsa_id)
             or (i.pin_lookup is not null and p.pin_lookup is distinct from i.pin_lookup)
             or (i.given_service_id not like 'ts-%' and p.service_id is distinct from i.given_service_id)
          on conflict (organisation, employee_number) where employee_number is not null do update set
            given_name = excluded.given_name, family_name = excluded.family_name, email = excluded.email, hsa_id = excluded.hsa_id,
            pin_sealed = coalesce(excluded.pin_sealed, people.pin_sealed), pin_lookup = coalesce(excluded.pin_lookup, people.pin_lookup),
            -- Generated service ids start with ts-; a source-given one replaces it, a generated one never replaces.
            service_id = case when excluded.service_id like 'ts-%' then people.service_id else excluded.service_id end,
            last_run = excluded.last_run, updated_at = now()
          where (people.given_name, people.family_name, people.email, people.hsa_id) is distinct from (excluded.given_name, excluded.family_name, excluded.email, excluded.hsa_id)
             or (excluded.pin_lookup is not null and people.pin_lookup is distinct from excluded.pin_lookup)
             or (excluded.service_id not like 'ts-%' and people.service_id is distinct from excluded.service_id)
          returning id
        )
        insert into sync_run_changes (run_id, person_id) select ${runId}, id from changed on conflict do nothing`.execute(db)
    },

    async applyEmployments ({ organisation, source, runId }: RunScope): Promise<void> {
      await sql`
        with changed as (
          insert into employments (organisation, source, key, id, person_id, employment_id, unit_id, position_code, title,
                                   employment_type, start_date, end_date, extent, record_hash, ended_at, last_run)
          select ${organisation}, ${source}, s.key, gen_random_uuid()::text, p.id, s.employment_id, s.unit_id, s.position_code, s.title,
                 s.employment_type, s.start_date, s.end_date, s.extent, s.record_hash, null, ${runId}
          from staged_employments s
          join people p on p.organisation = ${organisation} and p.employee_number = s.employee_number
          -- The rows the upsert would leave alone are left out by one join, not tried one by one.
          left join employments c on c.organisation = ${organisation} and c.source = ${source} and c.key = s.key
          where s.run_id = ${runId} and (c.key is null or c.record_hash <> s.record_hash or c.ended_at is not null)
          on conflict (organisation, source, key) do update set
            person_id = excluded.person_id, employment_id = excluded.employment_id, unit_id = excluded.unit_id,
            position_code = excluded.position_code, title = excluded.title, employment_type = excluded.employment_type,
            start_date = excluded.start_date, end_date = excluded.end_date, extent = excluded.extent,
            record_hash = excluded.record_hash, ended_at = null, last_run = excluded.last_run, updated_at = now()
          where employments.record_hash <> excluded.record_hash or employments.ended_at is not null
          returning person_id
        ), ended as (
          update employments e set ended_at = now(), last_run = ${runId}, updated_at = now()
          where e.organisation = ${organisation} and e.source = ${source} and e.ended_at is null
            and not exists (select 1 from staged_employments s where s.run_id = ${runId} and s.key = e.key)
          returning person_id
        )
        insert into sync_run_changes (run_id, person_id)
        select distinct ${runId}, person_id from (select person_id from changed union all select person_id from ended) c
        on conflict do nothing`.execute(db)
    },

    async changedPeople (runId: string): Promise<string[]> {
      const rows = await db.selectFrom('sync_run_changes').select('person_id').where('run_id', '=', runId).execute()
      return rows.map((r) => r.person_id)
    }
  }
}

/**
 * One full join of what the run read with what the source said before, hash-joinable
 * whatever the sizes: new, changed, unchanged, no longer listed, and live before. Tables
 * and key are fixed names from the callers, never input.
 */
export async function fullJoinDiff (db: Db, { organisation, source, runId }: RunScope, tables: { staged: 'staged_employments' | 'staged_accounts', current: 'employments' | 'directory_accounts', key: 'key' | 'unique_id' }): Promise<EmploymentDiff> {
  const key = sql.ref(tables.key)
  const result = await sql<EmploymentDiff>`
    select
      count(*) filter (where s.key is not null and (c.key is null or c.ended_at is not null))::int as created,
      count(*) filter (where s.key is not null and c.key is not null and c.ended_at is null and c.record_hash <> s.record_hash)::int as updated,
      count(*) filter (where s.key is not null and c.key is not null and c.ended_at is null and c.record_hash = s.record_hash)::int as unchanged,
      count(*) filter (where s.key is null and c.ended_at is null)::int as ended,
      count(*) filter (where c.key is not null and c.ended_at is null)::int as active_before
    from (select ${key} as key, record_hash from ${sql.table(tables.staged)} where run_id = ${runId}) s
    full join (select ${key} as key, record_hash, ended_at from ${sql.table(tables.current)} where organisation = ${organisation} and source = ${source}) c
      on c.key = s.key`.execute(db)
  return result.rows[0]!
}
