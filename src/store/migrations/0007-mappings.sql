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
  document        json not null,              -- the validated mapping, as parsed (json keeps key order: explanations follow it)
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
  if new.document::text is distinct from old.document::text or new.source_text is distinct from old.source_text
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

select behorig_isolate_by_organisation('mapping_versions');
select behorig_isolate_by_organisation('effective_attributes');

-- What each organisation's attributes were last evaluated against, beyond the people's
-- own records: the day, and the unit tree. A recompute on a later day also takes in the
-- people whose employments began or ended in between (their records did not change, the
-- day did); a recompute after the tree changed (a unit moved) takes in everyone.
create table attribute_evaluation_days (
  organisation text primary key references organisations (number) on delete cascade,
  day          date not null,
  units_hash   text not null                -- sha256 over each unit's id, parent and kind
);
select behorig_isolate_by_organisation('attribute_evaluation_days');
