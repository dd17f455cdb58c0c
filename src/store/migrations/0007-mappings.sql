-- Mapping versions per organisation (numbered 1, 2, … across its domains) and the
-- effective attributes the active version of each domain grants. A version is a draft
-- until published; publishing makes it active and the domain's previous active version
-- superseded. Only a draft's status may change, and a version's content never does.

create table mapping_versions (
  organisation    text not null references organisations (number) on delete cascade,
  version         integer not null,
  domain          text not null,
  catalog_version text not null,
  status          text not null default 'draft' check (status in ('draft', 'active', 'superseded')),
  document        jsonb not null,             -- the validated mapping, as parsed
  source_text     text not null,              -- the body as submitted (YAML or JSON), comments kept
  source_format   text not null check (source_format in ('yaml', 'json')),
  warnings        jsonb not null default '[]',
  created_by      text,
  created_at      timestamptz not null default now(),
  published_by    text,
  published_at    timestamptz,
  superseded_at   timestamptz,
  primary key (organisation, version)
);
-- One active version per organisation and domain.
create unique index mapping_versions_active on mapping_versions (organisation, domain) where status = 'active';

-- Immutability enforced by the store itself, whoever writes: content never changes, and
-- status only moves draft → active → superseded.
create function mapping_versions_immutable() returns trigger language plpgsql as $$
begin
  if new.document is distinct from old.document or new.source_text is distinct from old.source_text
     or new.domain is distinct from old.domain or new.catalog_version is distinct from old.catalog_version
     or new.version is distinct from old.version or new.organisation is distinct from old.organisation then
    raise exception 'mapping version % is immutable', old.version using errcode = 'check_violation';
  end if;
  if new.status is distinct from old.status and not (
       (old.status = 'draft' and new.status = 'active') or (old.status = 'active' and new.status = 'superseded')) then
    raise exception 'mapping version % cannot go from % to %', old.version, old.status, new.status using errcode = 'check_violation';
  end if;
  return new;
end $$;
create trigger mapping_versions_immutable before update on mapping_versions
  for each row execute function mapping_versions_immutable();

-- Materialised: one row per person × attribute × unit scope (unit_id null = organisation-wide).
create table effective_attributes (
  organisation    text not null,
  person_id       text not null,
  domain          text not null,
  attribute_id    text not null,
  unit_id         text,
  valid_from      date not null,
  valid_until     date,                       -- null = open-ended
  mapping_version integer not null,
  provenance      jsonb not null,             -- [{ mapping_version, rule_id, employment_ids, group_dns, group_via }]
  computed_at     timestamptz not null default now(),
  foreign key (organisation, person_id) references people (organisation, id) on delete cascade
);
create unique index effective_attributes_key on effective_attributes (organisation, person_id, attribute_id, coalesce(unit_id, ''));
create index effective_attributes_by_attribute on effective_attributes (organisation, attribute_id, person_id);

grant select, insert, update, delete on mapping_versions, effective_attributes to behorig_tenant;
do $$
declare t text;
begin
  foreach t in array array['mapping_versions', 'effective_attributes'] loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I to behorig_tenant
      using (organisation = behorig_current_organisation())
      with check (organisation = behorig_current_organisation())', t);
  end loop;
end $$;
