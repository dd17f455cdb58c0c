-- SCIM 2.0 push sources: the Users and Groups a provisioning client (Entra ID, Okta, an
-- IAM product) keeps in behorig, as the client last wrote them. The directory tables
-- (0005) hold what they mean for correlation; these hold the SCIM resources themselves,
-- so the client can read back, filter, PATCH and version what it wrote.

-- One scim source per organisation: /scim/v2/{org} must know which source a push feeds.
create unique index sources_one_scim_per_organisation on sources (organisation) where kind = 'scim';

create table scim_resources (
  organisation    text not null,
  source          text not null,
  resource_type   text not null check (resource_type in ('User', 'Group')),
  id              text not null,    -- server-assigned UUID
  external_id     text,
  user_name       text,             -- Users: unique per source, case-insensitively (RFC 7643 §4.1.1)
  display_name    text,
  employee_number text,             -- enterprise extension, Users
  emails          text[] not null default '{}', -- lower-cased email values, for `emails eq`
  member_ids      text[] not null default '{}', -- lower-cased member ids, Groups
  dn              text not null,    -- normalised DN the directory tables know it by
  resource        jsonb not null,   -- the canonical resource without meta
  version         integer not null default 1,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  primary key (organisation, source, id),
  foreign key (organisation, source) references sources (organisation, id) on delete cascade
);

create unique index scim_resources_user_name on scim_resources (organisation, source, lower(user_name)) where resource_type = 'User';
-- A group's DN is built from its displayName, so two groups of one source cannot share one.
create unique index scim_resources_dn on scim_resources (organisation, source, dn);
create index scim_resources_listing on scim_resources (organisation, source, resource_type, created_at, id);
create index scim_resources_external_id on scim_resources (organisation, source, resource_type, external_id);
create index scim_resources_display_name on scim_resources (organisation, source, resource_type, lower(display_name));
create index scim_resources_employee_number on scim_resources (organisation, source, lower(employee_number)) where resource_type = 'User';
create index scim_resources_updated on scim_resources (organisation, source, resource_type, updated_at);
create index scim_resources_emails on scim_resources using gin (emails);
create index scim_resources_members on scim_resources using gin (member_ids);

select behorig_isolate_by_organisation('scim_resources');
