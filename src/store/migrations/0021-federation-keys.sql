-- Keys have a purpose: `token` keys sign tokens and are published at /.well-known/jwks.json;
-- `federation` keys sign behorig's Entity Configuration (OpenID Federation 1.0 §3) and are
-- published only in it. Both rotate next → active → retired by the same rules, each on its own.
alter table signing_keys add column purpose text not null default 'token' check (purpose in ('token', 'federation'));

-- At most one active and one next key per purpose.
drop index signing_keys_one_active;
create unique index signing_keys_one_active on signing_keys (purpose, state) where state in ('active', 'next');
