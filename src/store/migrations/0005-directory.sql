-- Directory sources (LDAP/AD pulls, SCIM pushes): accounts, groups and direct membership
-- edges as each source last reported them, the accounts' correlation to people, and the
-- resolved (transitive) group memberships of people.

create table directory_accounts (
  organisation    text not null references organisations (number) on delete cascade,
  source          text not null,
  unique_id       text not null,   -- entryUUID / objectGUID / SCIM id
  dn              text not null,   -- normalised DN
  employee_number text,
  email           text,
  display_name    text,
  given_name      text,
  family_name     text,
  disabled        boolean not null default false,
  person_id       text,            -- correlated person, or null (listed as unmatched on the run)
  record_hash     text not null,
  ended_at        timestamptz,
  last_run        text not null,
  updated_at      timestamptz not null default now(),
  primary key (organisation, source, unique_id)
);
create index directory_accounts_by_dn on directory_accounts (organisation, source, dn);
create index directory_accounts_by_person on directory_accounts (organisation, person_id);

create table directory_groups (
  organisation text not null references organisations (number) on delete cascade,
  source       text not null,
  dn           text not null,      -- normalised DN: membership is by DN, never by CN
  cn           text,
  record_hash  text not null,
  last_run     text not null,
  primary key (organisation, source, dn)
);

create table directory_members (
  organisation text not null,
  source       text not null,
  group_dn     text not null,
  member_dn    text not null,      -- an account's or a nested group's normalised DN
  primary key (organisation, source, group_dn, member_dn),
  foreign key (organisation, source, group_dn) references directory_groups (organisation, source, dn) on delete cascade
);
create index directory_members_by_member on directory_members (organisation, source, member_dn);

-- What mappings read: every group a person is in, directly or through nested groups.
create table person_groups (
  organisation text not null,
  source       text not null,
  person_id    text not null,
  group_dn     text not null,
  via          text[] not null default '{}', -- nested path, direct group first; empty when direct
  primary key (organisation, source, person_id, group_dn),
  foreign key (organisation, person_id) references people (organisation, id) on delete cascade
);
create index person_groups_by_person on person_groups (organisation, person_id);
create index person_groups_by_group on person_groups (organisation, source, group_dn);

create table staged_accounts (
  run_id          text not null references sync_runs (id) on delete cascade,
  unique_id       text not null,
  row_number      integer not null,
  dn              text not null,
  employee_number text,
  email           text,
  display_name    text,
  given_name      text,
  family_name     text,
  disabled        boolean not null,
  record_hash     text not null,
  primary key (run_id, unique_id)
);

create table staged_groups (
  run_id text not null references sync_runs (id) on delete cascade,
  dn     text not null,
  cn     text,
  record_hash text not null,
  primary key (run_id, dn)
);

create table staged_members (
  run_id    text not null references sync_runs (id) on delete cascade,
  group_dn  text not null,
  member_dn text not null,
  primary key (run_id, group_dn, member_dn)
);

-- Incremental directory runs read only what changed: they never end anything.
alter table sync_runs add column mode text not null default 'full' check (mode in ('full', 'incremental'));
-- What the source's state becomes when the run succeeds (LDAP: the change mark to read
-- incrementally from, runs since the last full one). Kept on the run so an approved run
-- that waited still moves the mark on.
alter table sync_runs add column next_state jsonb;

-- Tenant isolation for a table with an organisation column, as 0004 set it up for the
-- first tables; later migrations call this for theirs.
create function behorig_isolate_by_organisation(t regclass) returns void language plpgsql as $$
begin
  execute format('grant select, insert, update, delete on %s to behorig_tenant', t);
  execute format('alter table %s enable row level security', t);
  execute format('create policy tenant_isolation on %s to behorig_tenant
    using (organisation = behorig_current_organisation())
    with check (organisation = behorig_current_organisation())', t);
end $$;

select behorig_isolate_by_organisation('directory_accounts');
select behorig_isolate_by_organisation('directory_groups');
select behorig_isolate_by_organisation('directory_members');
select behorig_isolate_by_organisation('person_groups');
