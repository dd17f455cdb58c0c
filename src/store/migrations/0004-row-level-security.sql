-- Row-level isolation per organisation, enforced by PostgreSQL itself: organisation-scoped
-- API requests run as the role behorig_tenant with `behorig.organisation` set for their
-- transaction (store/tenant-scope.ts), and these policies let that role see and change
-- only its organisation's rows, even if a query forgot its `where organisation = …`.
-- The policies fail closed: without the setting the tenant role sees and changes no row.
-- Internal work (sync apply, migrations) runs as the owner, which policies do not bind.
do $$ begin
  create role behorig_tenant nologin;
-- Roles are cluster-wide: another database (or a concurrent migration) may have made it.
exception when duplicate_object or unique_violation then null;
end $$;

grant usage on schema public to behorig_tenant;

-- NULL unless set for this transaction (a once-set custom setting reads '' afterwards).
create function behorig_current_organisation() returns text language sql stable
  as $$ select nullif(current_setting('behorig.organisation', true), '') $$;
grant select on organisations to behorig_tenant;
grant select, insert, update, delete on api_keys, sources, sync_runs, sync_quarantine, units, people, employments to behorig_tenant;

alter table organisations enable row level security;
create policy tenant_isolation on organisations to behorig_tenant
  using (number = behorig_current_organisation());

-- The same policy on every table that carries an organisation column.
do $$
declare t text;
begin
  foreach t in array array['api_keys', 'sources', 'sync_runs', 'units', 'people', 'employments'] loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I to behorig_tenant
      using (organisation = behorig_current_organisation())
      with check (organisation = behorig_current_organisation())', t);
  end loop;
end $$;

-- Quarantined records belong to a run, and through it to an organisation.
alter table sync_quarantine enable row level security;
create policy tenant_isolation on sync_quarantine to behorig_tenant
  using (exists (select 1 from sync_runs r where r.id = run_id and r.organisation = behorig_current_organisation()));
