import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { fullJoinDiff, type EmploymentDiff, type RunScope } from './apply-repository.js'

type Db = Kysely<Database> | Transaction<Database>

export interface UnmatchedAccount { unique_id: string, dn: string, reason: 'no-match' | 'ambiguous-email', employee_number: string | null, email: string | null }

const UNMATCHED_LISTED = 1000

/**
 * The set-based diff and apply of a directory run (LDAP/AD or SCIM): accounts, groups and
 * membership edges, correlation of accounts to people, and people's transitive groups.
 * Runs inside the caller's transaction.
 */
export function directoryApplyRepository (db: Db) {
  return {
    async diffAccounts (scope: RunScope): Promise<EmploymentDiff> {
      return fullJoinDiff(db, scope, { staged: 'staged_accounts', current: 'directory_accounts', key: 'unique_id' })
    },

    /** Upserts what was read; a full run also ends the accounts it no longer lists. */
    async applyAccounts ({ organisation, source, runId }: RunScope, full: boolean): Promise<void> {
      await sql`
        insert into directory_accounts (organisation, source, unique_id, dn, employee_number, email, display_name, given_name, family_name, hsa_id, username, disabled, record_hash, ended_at, last_run)
        select ${organisation}, ${source}, s.unique_id, s.dn, s.employee_number, s.email, s.display_name, s.given_name, s.family_name, s.hsa_id, s.username, s.disabled, s.record_hash, null, ${runId}
        from staged_accounts s where s.run_id = ${runId}
        on conflict (organisation, source, unique_id) do update set
          dn = excluded.dn, employee_number = excluded.employee_number, email = excluded.email, display_name = excluded.display_name,
          given_name = excluded.given_name, family_name = excluded.family_name, hsa_id = excluded.hsa_id, username = excluded.username, disabled = excluded.disabled,
          record_hash = excluded.record_hash, ended_at = null, last_run = excluded.last_run, updated_at = now()
        where directory_accounts.record_hash <> excluded.record_hash or directory_accounts.ended_at is not null`.execute(db)
      if (!full) return
      await sql`
        update directory_accounts a set ended_at = now(), last_run = ${runId}, updated_at = now()
        where a.organisation = ${organisation} and a.source = ${source} and a.ended_at is null
          and not exists (select 1 from staged_accounts s where s.run_id = ${runId} and s.unique_id = a.unique_id)`.execute(db)
    },

    /** Ends the named accounts (a push source deleted them); returns how many were live. */
    async endAccounts ({ organisation, source, runId }: RunScope, uniqueIds: string[]): Promise<number> {
      if (uniqueIds.length === 0) return 0
      const result = await sql`update directory_accounts set ended_at = now(), last_run = ${runId}, updated_at = now()
        where organisation = ${organisation} and source = ${source} and ended_at is null and unique_id = any(${uniqueIds}::text[])`.execute(db)
      return Number(result.numAffectedRows ?? 0)
    },

    /** Removes the named groups and their member edges (a push source deleted them). */
    async removeGroups ({ organisation, source }: RunScope, dns: string[]): Promise<void> {
      if (dns.length === 0) return
      await sql`delete from directory_groups where organisation = ${organisation} and source = ${source} and dn = any(${dns}::text[])`.execute(db)
    },

    /**
     * Groups and their direct members as read; a full run also removes the source's groups
     * it no longer lists. Only new and changed groups (the hash covers the members) have
     * their member edges replaced. Returns how many groups were added, changed or removed.
     */
    async applyGroups ({ organisation, source, runId }: RunScope, full: boolean): Promise<number> {
      let removed = 0
      if (full) {
        const result = await sql`delete from directory_groups g where g.organisation = ${organisation} and g.source = ${source}
          and not exists (select 1 from staged_groups s where s.run_id = ${runId} and s.dn = g.dn)`.execute(db)
        removed = Number(result.numAffectedRows ?? 0)
      }
      await sql`
        create temporary table changed_groups on commit drop as
        with upserted as (
          insert into directory_groups (organisation, source, dn, cn, record_hash, last_run)
          select ${organisation}, ${source}, s.dn, s.cn, s.record_hash, ${runId} from staged_groups s where s.run_id = ${runId}
          on conflict (organisation, source, dn) do update set cn = excluded.cn, record_hash = excluded.record_hash, last_run = excluded.last_run
          where directory_groups.record_hash <> excluded.record_hash
          returning dn
        ) select dn from upserted`.execute(db)
      await sql`delete from directory_members m using changed_groups c
        where m.organisation = ${organisation} and m.source = ${source} and m.group_dn = c.dn`.execute(db)
      const changed = await sql<{ n: number }>`
        with added as (
          insert into directory_members (organisation, source, group_dn, member_dn)
          select ${organisation}, ${source}, s.group_dn, s.member_dn from staged_members s join changed_groups c on c.dn = s.group_dn
          where s.run_id = ${runId}
          returning 1
        ) select (select count(*) from changed_groups)::int as n`.execute(db)
      await sql`drop table changed_groups`.execute(db)
      return removed + (changed.rows[0]?.n ?? 0)
    },

    /**
     * Fresh statistics for the joins of correlate and resolveMemberships. Right after a bulk
     * apply (a source's first full run) the tables have none, and the planner, expecting a
     * handful of rows, joins accounts to people and to the membership closure in nested
     * loops: quadratic, minutes for 100 000 accounts (scripts/bench/ldap-sync.ts). Later,
     * autovacuum keeps them fresh.
     */
    async analyze (): Promise<void> {
      await sql`analyze directory_accounts, directory_groups, directory_members, people`.execute(db)
    },

    /**
     * Joins every live account of the organisation's directory sources to a person by the
     * source's correlation.match_on rules in order (default: employee number, then an
     * e-mail exactly one person has; or the HSA-id). Accounts left
     * without a person are returned (ambiguous ones say so), never silently merged.
     */
    async correlate (organisation: string, touched?: RunScope): Promise<void> {
      // A scoped run (incremental, push) re-links only the accounts it read: people did not change.
      const onlyTouched = touched
        ? sql`and a.source = ${touched.source} and exists (select 1 from staged_accounts s where s.run_id = ${touched.runId} and s.unique_id = a.unique_id)`
        : sql``
      await sql`
        with emails as (
          select lower(email) as e, count(*) as n, min(id) as id from people
          where organisation = ${organisation} and email is not null group by 1
        ), rules as (
          select id as source, coalesce(config->'correlation'->'match_on', '["employee_number", "email"]'::jsonb) as match_on
          from sources where organisation = ${organisation}
        ), candidates as (
          select a.source, a.unique_id, r.match_on, p.id as by_employee_number, case when em.n = 1 then em.id end as by_email, h.id as by_hsa_id
          from directory_accounts a
          join rules r on r.source = a.source
          left join people p on p.organisation = a.organisation and a.employee_number is not null and p.employee_number = a.employee_number
          left join emails em on a.email is not null and em.e = lower(a.email)
          left join people h on h.organisation = a.organisation and a.hsa_id is not null and h.hsa_id = a.hsa_id
          where a.organisation = ${organisation} and a.ended_at is null ${onlyTouched}
        ), desired as (
          -- The source's rules in its order: the first that finds a person wins.
          select source, unique_id, coalesce(
            case match_on->>0 when 'employee_number' then by_employee_number when 'email' then by_email when 'hsa_id' then by_hsa_id end,
            case match_on->>1 when 'employee_number' then by_employee_number when 'email' then by_email when 'hsa_id' then by_hsa_id end,
            case match_on->>2 when 'employee_number' then by_employee_number when 'email' then by_email when 'hsa_id' then by_hsa_id end
          ) as person_id
          from candidates
        )
        update directory_accounts a set person_id = d.person_id
        from desired d
        where a.organisation = ${organisation} and a.source = d.source and a.unique_id = d.unique_id
          and a.person_id is distinct from d.person_id`.execute(db)
    },

    /**
     * For a scoped run (incremental, push): notes the people whose links or groups the run
     * may change — those linked to the accounts it read or ends, and those in the groups it
     * read or removes (directly or nested). Called before the apply (who was linked and in
     * those groups) and again after correlate (who is linked now); resolveMemberships then
     * rebuilds only their groups, and adds the members the touched groups have now.
     */
    async collectTouchedPeople ({ organisation, source, runId }: RunScope, gone: { accounts: string[], groups: string[] }): Promise<void> {
      await sql`create temporary table if not exists touched_people (person_id text primary key) on commit drop`.execute(db)
      await sql`create temporary table if not exists touched_groups (dn text primary key) on commit drop`.execute(db)
      await sql`insert into touched_groups
        select dn from staged_groups where run_id = ${runId} union select unnest(${gone.groups}::text[])
        on conflict do nothing`.execute(db)
      await sql`insert into touched_people
        select a.person_id from directory_accounts a
        where a.organisation = ${organisation} and a.source = ${source} and a.person_id is not null
          and (a.unique_id = any(${gone.accounts}::text[]) or exists (select 1 from staged_accounts s where s.run_id = ${runId} and s.unique_id = a.unique_id))
        union
        select g.person_id from person_groups g
        where g.organisation = ${organisation} and g.source = ${source} and g.group_dn in (select dn from touched_groups)
        on conflict do nothing`.execute(db)
    },

    /** The organisation's live, enabled accounts without a person (the first UNMATCHED_LISTED by DN) and how many there are. */
    async unmatched (organisation: string): Promise<{ unmatched: UnmatchedAccount[], unmatchedTotal: number }> {
      const rows = await sql<UnmatchedAccount & { total: number }>`
        select a.unique_id, a.dn, a.employee_number, a.email,
          case when coalesce(r.config->'correlation'->'match_on', '["email"]'::jsonb) ? 'email'
              and (select count(*) from people p where p.organisation = a.organisation and lower(p.email) = lower(a.email)) > 1
            then 'ambiguous-email' else 'no-match' end as reason,
          count(*) over ()::int as total
        from directory_accounts a
        left join sources r on r.organisation = a.organisation and r.id = a.source
        where a.organisation = ${organisation} and a.ended_at is null and a.person_id is null and not a.disabled
        order by a.dn limit ${UNMATCHED_LISTED}`.execute(db)
      return { unmatched: rows.rows.map(({ total: _, ...u }) => u), unmatchedTotal: rows.rows[0]?.total ?? 0 }
    },

    /**
     * Rebuilds people's groups from the membership graph: transitive (nested groups),
     * cycle-safe, by DN; disabled, ended and uncorrelated accounts grant no membership.
     * Records the people whose groups changed in the run's change set.
     *
     * The nesting is walked between groups only (thousands of rows), keeping the shortest
     * path from each group to each group above it, and then joined to the accounts' direct
     * memberships; walking up from every account instead enumerates every path of every
     * account (scripts/bench/ldap-sync.ts). Ties between equally short paths go to the
     * smallest path, so a run that changed nothing rewrites no `via`.
     */
    async resolveMemberships (organisation: string, runId: string, scoped = false): Promise<void> {
      const onlyTouched = (column: string) => scoped ? sql`and ${sql.ref(column)} in (select person_id from touched_people)` : sql``
      // The sorts and hashes below hold hundreds of thousands of rows for a large directory.
      await sql`set local work_mem = '64MB'`.execute(db)
      // Direct memberships first, as a table of their own with statistics and an index, so
      // the few nested rows are checked against them by lookups (a CTE has neither, and the
      // planner then scans all of them once per nested row).
      await sql`
        create temporary table group_nesting on commit drop as
        with recursive nesting (source, start_dn, group_dn, via) as (
          select m.source, m.member_dn, m.group_dn, array[m.member_dn]
          from directory_members m
          join directory_groups g on g.organisation = m.organisation and g.source = m.source and g.dn = m.member_dn
          where m.organisation = ${organisation}
          union all
          select n.source, n.start_dn, m.group_dn, n.via || n.group_dn
          from nesting n
          join directory_members m on m.organisation = ${organisation} and m.source = n.source and m.member_dn = n.group_dn
          where m.group_dn <> n.group_dn and not (m.group_dn = any(n.via)) and cardinality(n.via) < 64
        )
        select distinct on (source, start_dn, group_dn) source, start_dn, group_dn, via
        from nesting order by source, start_dn, group_dn, cardinality(via), via`.execute(db)
      await sql`create index on group_nesting (source, start_dn)`.execute(db)
      if (scoped) {
        // Who is in the touched groups now, directly or through a group nested in them.
        await sql`insert into touched_people
          select a.person_id from directory_accounts a
          join directory_members m on m.organisation = a.organisation and m.source = a.source and m.member_dn = a.dn
          where a.organisation = ${organisation} and a.person_id is not null
            and (m.group_dn in (select dn from touched_groups)
              or exists (select 1 from group_nesting n where n.source = m.source and n.start_dn = m.group_dn and n.group_dn in (select dn from touched_groups)))
          on conflict do nothing`.execute(db)
      }
      // Scoped: driven from the touched people through the accounts' person index, so a
      // run that touched a few hundred people reads their memberships, not everyone's.
      if (scoped) await sql`analyze touched_people`.execute(db)
      await sql`
        create temporary table direct_groups on commit drop as
        select distinct a.source, a.person_id, m.group_dn
        from ${scoped ? sql`touched_people t join directory_accounts a on a.person_id = t.person_id` : sql`directory_accounts a`}
        join directory_members m on m.organisation = a.organisation and m.source = a.source and m.member_dn = a.dn
        where a.organisation = ${organisation} and a.person_id is not null and a.ended_at is null and not a.disabled`.execute(db)
      await sql`create index on direct_groups (source, group_dn)`.execute(db)
      await sql`create index on direct_groups (person_id, group_dn)`.execute(db)
      await sql`analyze direct_groups`.execute(db)
      await sql`
        create temporary table desired_groups on commit drop as
        with nested as (
          select distinct on (d.source, d.person_id, s.group_dn) d.source, d.person_id, s.group_dn, s.via
          from direct_groups d join group_nesting s on s.source = d.source and s.start_dn = d.group_dn
          order by d.source, d.person_id, s.group_dn, cardinality(s.via), s.via
        )
        -- A direct membership beats any path; only the (few) nested rows need sorting.
        select source, person_id, group_dn, array[]::text[] as via from direct_groups
        union all
        select n.source, n.person_id, n.group_dn, n.via from nested n
        where not exists (select 1 from direct_groups d where d.person_id = n.person_id and d.group_dn = n.group_dn and d.source = n.source)`.execute(db)
      await sql`analyze desired_groups`.execute(db)
      // One statement, one snapshot: what is removed, re-pathed and added never overlaps,
      // and a plain insert of the new rows is far cheaper than an upsert of all of them.
      await sql`
        with removed as (
          delete from person_groups g where g.organisation = ${organisation} ${onlyTouched('g.person_id')}
            and not exists (select 1 from desired_groups d where d.source = g.source and d.person_id = g.person_id and d.group_dn = g.group_dn)
          returning g.person_id
        ), repathed as (
          update person_groups g set via = d.via from desired_groups d
          where g.organisation = ${organisation} and g.source = d.source and g.person_id = d.person_id and g.group_dn = d.group_dn
            and g.via is distinct from d.via
          returning g.person_id
        ), added as (
          insert into person_groups (organisation, source, person_id, group_dn, via)
          select ${organisation}, d.source, d.person_id, d.group_dn, d.via from desired_groups d
          where not exists (select 1 from person_groups g where g.organisation = ${organisation} and g.source = d.source and g.person_id = d.person_id and g.group_dn = d.group_dn)
          returning person_id
        )
        insert into sync_run_changes (run_id, person_id)
        select distinct ${runId}, person_id from (select person_id from removed union all select person_id from repathed union all select person_id from added) c
        on conflict do nothing`.execute(db)
      await sql`drop table desired_groups, direct_groups, group_nesting`.execute(db)
      if (scoped) await sql`drop table touched_people, touched_groups`.execute(db)
    }
  }
}

export type DirectoryApplyRepository = ReturnType<typeof directoryApplyRepository>
