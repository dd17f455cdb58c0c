-- Every catalog version the service has served, with its content hash: published means
-- frozen, so start-up refuses a file whose content no longer matches.
create table catalog_versions (
  domain       text not null,
  version      text not null,
  hash         text not null,
  document     jsonb not null,
  published_at timestamptz not null default now(),
  primary key (domain, version)
);
