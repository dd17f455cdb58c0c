-- Organisations, their API keys, and platform-wide settings.
create table organisations (
  number            text primary key check (number ~ '^[0-9]{10}$'),
  name              text not null,
  kind              text not null check (kind in ('municipality', 'region', 'agency', 'private-provider')),
  municipality_code text check (municipality_code ~ '^[0-9]{4}$'),
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);

create table api_keys (
  id           text primary key,
  organisation text not null references organisations (number) on delete cascade,
  name         text,
  scopes       text[] not null,
  -- SHA-256 of the secret part: keys are 256-bit random, so a slow hash adds nothing.
  secret_hash  text not null,
  created_at   timestamptz not null default now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);
create index api_keys_organisation on api_keys (organisation);

create table platform_settings (
  key        text primary key,
  value      jsonb not null,
  updated_at timestamptz not null default now()
);
