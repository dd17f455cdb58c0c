-- Identity providers move to platform level: one registration may serve several
-- organisations (a city and its companies, a kommunalförbund, a shared municipal IdP), and
-- speaks SAML 2.0 or OpenID Connect. `entity` is what a login names its issuer by: the SAML
-- entityID or the OIDC `iss`, unique across the platform. Registrations are platform data
-- (read by the token endpoint before any organisation is known), so no tenant grant.
create table platform_identity_providers (
  id                 text primary key,
  kind               text not null check (kind in ('saml', 'oidc')),
  entity             text not null unique,
  organisations      text[] not null check (cardinality(organisations) > 0),
  document           jsonb not null,
  -- SAML: what the registration's metadata said when last read (entity, signing
  -- certificates, validUntil, when to read it again); null for OIDC.
  metadata           jsonb,
  -- Registrations made through PUT /v1/organisations/{org}/identity-provider (v1): the
  -- organisation, and the document as that route took it, so its GET answers as before.
  shortcut_of        text unique references organisations (number) on delete cascade,
  shortcut_document  jsonb,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);
create index platform_identity_providers_by_organisation on platform_identity_providers using gin (organisations);

-- Each v1 registration becomes the shortcut `org-<orgnr>`: an OIDC IdP serving that one
-- organisation and naming the person by its registered claim.
insert into platform_identity_providers (id, kind, entity, organisations, document, shortcut_of, shortcut_document, created_at, updated_at)
select 'org-' || organisation, 'oidc', issuer, array[organisation],
       jsonb_build_object(
         'kind', 'oidc',
         'organisations', jsonb_build_array(organisation),
         'oidc', jsonb_strip_nulls(jsonb_build_object('issuer', issuer, 'jwks', document -> 'jwks', 'jwks_uri', document -> 'jwks_uri')),
         'subject', jsonb_build_object(
           'match', jsonb_build_array(document #>> '{subject,type}'),
           'claims', jsonb_build_object(document #>> '{subject,type}', document #>> '{subject,claim}'))),
       organisation, document, created_at, updated_at
from identity_providers;

drop table identity_providers;
