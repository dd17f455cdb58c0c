-- The audit log: append-only, hash-chained events (docs/audit.md gives the hash formula).
-- One chain per organisation (chain = its number) and one platform chain (chain =
-- 'platform', organisation null). No foreign key to organisations: the record of what
-- happened outlives the organisation it happened to.

-- Each chain's head: the last sequence number and its hash. Appending locks this row
-- (select … for update), so concurrent writers to one chain queue up and never fork it.
create table audit_chains (
  chain         text primary key,
  organisation  text,
  seq           bigint not null default 0,
  head          text not null,
  check ((chain = 'platform' and organisation is null) or chain = organisation)
);

create table audit_events (
  chain         text not null,
  seq           bigint not null check (seq > 0),
  at            timestamptz not null,
  organisation  text,
  action        text not null,
  actor         jsonb not null,
  person_id     text,
  client_id     text,
  details       jsonb not null,
  prev_hash     text not null,
  hash          text not null,
  primary key (chain, seq),
  check ((chain = 'platform' and organisation is null) or chain = organisation)
);
-- Token events are nearly all of them, written thousands a second: each index is kept as
-- lean as its reads allow. The action filter is for the rare kinds (token events are found
-- by person or relying party); `at` grows with `seq`, so a BRIN range index suffices.
create index audit_events_by_person on audit_events (organisation, person_id, seq);
create index audit_events_by_client on audit_events (organisation, client_id, seq);
create index audit_events_by_action on audit_events (organisation, action, seq) where action <> 'attribute-token.issued';
create index audit_events_by_time on audit_events using brin (at);

-- An organisation-scoped transaction appends to its own chain and reads its own events;
-- it can neither change nor remove an event, nor touch another chain. Platform-chain
-- events (organisation null) are written by the owner, outside any tenant transaction.
select behorig_isolate_by_organisation('audit_chains');
revoke delete on audit_chains from behorig_tenant;
select behorig_isolate_by_organisation('audit_events');
revoke update, delete on audit_events from behorig_tenant;

-- Signed checkpoints: every chain's head at one moment, signed with the service key so an
-- outside party can hold the operator to the log. The signing public key is kept with each
-- checkpoint because keys retire from the JWKS long before a checkpoint stops mattering.
create table audit_checkpoints (
  id            bigserial primary key,
  created_at    timestamptz not null default now(),
  -- [{ "chain", "seq", "hash" }], sorted by chain.
  chains        jsonb not null,
  -- The compact JWS (typ audit-checkpoint+jwt).
  checkpoint    text not null,
  kid           text not null,
  public_jwk    jsonb not null
);
