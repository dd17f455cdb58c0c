-- Assignments (förordnanden, docs/assignments.md): one attribute granted to one person for
-- a bounded period by someone accountable, with a reason. The recompute reads the live ones
-- as a grant source beside the mapping rules (src/mapping/assignment-grants.ts). Ending one
-- early keeps the row: ended_at, ended_by and end_reason say when, by whom and why.
create table assignments (
  organisation text not null references organisations (number) on delete cascade,
  id           text not null,
  person_id    text not null,
  domain       text not null,
  attribute_id text not null,
  unit_id      text,                       -- set exactly when the attribute is unit-scoped
  valid_from   date not null,
  valid_until  date not null,              -- inclusive; an assignment always ends
  reason       text not null,
  reference    text,
  granted_by   jsonb not null,             -- an audit actor
  created_at   timestamptz not null default now(),
  ended_at     timestamptz,
  ended_by     jsonb,
  end_reason   text,
  primary key (organisation, id),
  foreign key (organisation, person_id) references people (organisation, id) on delete cascade,
  check (valid_until >= valid_from),
  check ((ended_at is null) = (end_reason is null))
);
create index assignments_by_person on assignments (organisation, person_id, domain);
create index assignments_by_attribute on assignments (organisation, attribute_id);
select behorig_isolate_by_organisation('assignments');
