-- Platform-level token infrastructure: signing keys, relying parties (agency clients),
-- client-assertion replay guard and token status lists. None of these belong to one
-- organisation, so none carries an `organisation` column or a tenant policy.

-- Signing keys: next (published, not yet signing) → active (signing) → retired
-- (published until every token it signed has expired, then deleted).
create table signing_keys (
  kid             text primary key,
  alg             text not null check (alg in ('ES256', 'EdDSA')),
  state           text not null check (state in ('next', 'active', 'retired')),
  public_jwk      jsonb not null,
  -- PKCS#8 private key sealed with the key-encryption key (AES-256-GCM, purpose bound to the kid).
  private_key     text not null,
  created_at      timestamptz not null default now(),
  activated_at    timestamptz,
  retired_at      timestamptz,
  publish_until   timestamptz
);
-- At most one active and one next key at any time.
create unique index signing_keys_one_active on signing_keys (state) where state in ('active', 'next');

create table relying_parties (
  client_id   text primary key,
  document    jsonb not null,
  disabled    boolean not null default false,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

-- Client-assertion `jti`s seen, kept until the assertion expires (used when REDIS_URL is unset).
create table client_assertion_jtis (
  client_id  text not null,
  jti        text not null,
  expires_at timestamptz not null,
  primary key (client_id, jti)
);
create index client_assertion_jtis_expiry on client_assertion_jtis (expires_at);

-- IETF Token Status Lists, 1 bit per referenced token. `bits` is the uncompressed list
-- (bit i = byte i/8, least significant bit first, as PostgreSQL's get_bit/set_bit count
-- and as the draft orders them); `allocated` counts indices handed out, never reused.
create table status_lists (
  id          serial primary key,
  size        integer not null check (size > 0 and size % 8 = 0),
  allocated   integer not null default 0 check (allocated <= size),
  bits        bytea not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
