-- Sources, sync runs with their staging and quarantine, and what the runs maintain:
-- units, people and employments. Every maintained row remembers the source and the run
-- that last set it.

create table sources (
  organisation text not null references organisations (number) on delete cascade,
  id           text not null,
  kind         text not null check (kind in ('hr', 'scim', 'ldap')),
  schedule     text,
  safety       jsonb not null,
  config       jsonb not null,          -- without secrets
  secrets      text,                    -- AES-256-GCM sealed JSON of the secret members
  state        jsonb not null default '{}', -- connector watermarks (e.g. LDAP incremental)
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  primary key (organisation, id)
);

create table sync_runs (
  id           text primary key,
  organisation text not null,
  source       text not null,
  trigger      text not null check (trigger in ('import', 'pull', 'schedule', 'push')),
  state        text not null check (state in ('queued', 'running', 'succeeded', 'failed', 'awaiting-approval', 'rejected')),
  counts       jsonb not null default '{}',
  error        jsonb,
  unmatched    jsonb,
  staged       boolean not null default false,
  attempts     integer not null default 0, -- times a worker started it: retries after a crash show here
  created_at   timestamptz not null default now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  decided_by   text,
  decided_at   timestamptz,
  foreign key (organisation, source) references sources (organisation, id) on delete cascade
);
create index sync_runs_by_source on sync_runs (organisation, source, created_at desc);

-- What a run read, before it is applied. Typed, so the diff is plain set-based SQL.
create table staged_units (
  run_id    text not null references sync_runs (id) on delete cascade,
  unit_id   text not null,
  name      text not null,
  parent_id text,
  kind      text,
  hsa_id    text,
  primary key (run_id, unit_id)
);

create table staged_employments (
  run_id          text not null references sync_runs (id) on delete cascade,
  key             text not null,
  row_number      integer not null,
  employment_id   text,
  employee_number text not null,
  given_name      text,
  family_name     text,
  email           text,
  pin_sealed      text,
  pin_lookup      text,
  service_id      text,
  unit_id         text not null,
  position_code   text,
  title           text,
  employment_type text not null,
  start_date      date not null,
  end_date        date,
  extent          numeric,
  record_hash     text not null,
  primary key (run_id, key)
);

create table sync_quarantine (
  run_id      text not null references sync_runs (id) on delete cascade,
  seq         integer not null,
  row_number  integer not null,
  record_type text not null,
  pointer     text not null,
  code        text not null,
  reason      text not null,
  problems    jsonb not null,
  raw         jsonb,
  primary key (run_id, seq)
);

create table units (
  organisation text not null references organisations (number) on delete cascade,
  id           text not null,
  name         text not null,
  parent_id    text,
  kind         text,
  hsa_id       text,
  source       text not null,
  last_run     text not null,
  removed_at   timestamptz,
  updated_at   timestamptz not null default now(),
  primary key (organisation, id)
);

create table people (
  organisation    text not null references organisations (number) on delete cascade,
  id              text not null,
  service_id      text not null,
  employee_number text,
  given_name      text,
  family_name     text,
  email           text,
  pin_sealed      text,     -- personnummer, AES-256-GCM sealed; never logged
  pin_lookup      text,     -- keyed HMAC of the personnummer, for lookups without decrypting
  source          text not null,
  last_run        text not null,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  primary key (organisation, id),
  unique (organisation, service_id)
);
create unique index people_by_employee_number on people (organisation, employee_number) where employee_number is not null;
create index people_by_email on people (organisation, lower(email));
create index people_by_pin on people (organisation, pin_lookup) where pin_lookup is not null;

create table employments (
  organisation    text not null references organisations (number) on delete cascade,
  source          text not null,
  key             text not null,
  id              text not null,
  person_id       text not null,
  employment_id   text,
  unit_id         text not null,
  position_code   text,
  title           text,
  employment_type text not null,
  start_date      date not null,
  end_date        date,
  extent          numeric,
  record_hash     text not null,
  ended_at        timestamptz,   -- set when the source stopped listing it
  last_run        text not null,
  updated_at      timestamptz not null default now(),
  primary key (organisation, source, key),
  unique (organisation, id),
  foreign key (organisation, person_id) references people (organisation, id) on delete cascade
);
create index employments_by_person on employments (organisation, person_id);

-- The people each run changed: what attribute recomputation and revocation consume.
create table sync_run_changes (
  run_id    text not null references sync_runs (id) on delete cascade,
  person_id text not null,
  primary key (run_id, person_id)
);
