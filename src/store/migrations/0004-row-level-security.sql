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

alter table api_keys enable row level security;
create policy tenant_isolation on api_keys to behorig_tenant
  using (organisation = behorig_current_organisation())
  with check (organisation = behorig_current_organisation());

alter table sources enable row level security;
create policy tenant_isolation on sources to behorig_tenant
  using (organisation = behorig_current_organisation())
  with check (organisation = behorig_current_organisation());

alter table sync_runs enable row level security;
create policy tenant_isolation on sync_runs to behorig_tenant
  using (organisation = behorig_current_organisation())
  with check (organisation = behorig_current_organisation());

alter table sync_quarantine enable row level security;
create policy tenant_isolation on sync_quarantine to behorig_tenant
  using (exists (select 1 from sync_runs r where r.id = run_id and r.organisation = behorig_current_organisation()));

alter table units enable row level security;
create policy tenant_isolation on units to behorig_tenant
  using (organisation = behorig_current_organisation())
  with check (organisation = behorig_current_organisation());

alter table people enable row level security;
create policy tenant_isolation on people to behorig_tenant
  using (organisation = behorig_current_organisation())
  with check (organisation = behorig_current_organisation());

alter table employments enable row level security;
create policy tenant_isolation on employments to behorig_tenant
  using (organisation = behorig_current_organisation())
  with check (organisation = behorig_current_organisation());
