-- Attribute tokens as issued: enough to find a person's unexpired tokens when they lose an
-- attribute, and to set each one's bit in its status list. The token itself is not kept.
create table attribute_tokens (
  jti             text primary key,
  organisation    text not null references organisations (number) on delete cascade,
  client_id       text not null,
  person_id       text not null,
  -- [{ "id", "unit" }]: the attributes the token carries, to match revocations against.
  attributes      jsonb not null,
  status_list_id  integer not null references status_lists (id),
  status_idx      integer not null,
  issued_at       timestamptz not null default now(),
  expires_at      timestamptz not null,
  revoked_at      timestamptz
);
create index attribute_tokens_live on attribute_tokens (organisation, person_id, expires_at);
select behorig_isolate_by_organisation('attribute_tokens');

-- Subject lookups by service identity (employee number, e-mail and personnummer have theirs).
create index people_by_service_id on people (organisation, service_id);
-- source_as_of: a grant's provenance names employments by id.
create index employments_by_id on employments (organisation, id);

-- An organisation's own identity provider, whose tokens relying parties may exchange for
-- attribute tokens (RFC 8693): its issuer, keys (inline or jwks_uri) and which claim names
-- the person. One organisation per issuer, so a token's `iss` finds its organisation.
create table identity_providers (
  organisation  text primary key references organisations (number) on delete cascade,
  issuer        text not null unique,
  document      jsonb not null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
select behorig_isolate_by_organisation('identity_providers');
