-- The change outbox (src/outbox/, src/mapping/change-propagation.ts): a change whose
-- consequences reach beyond its own transaction (a sync run applied, an assignment made or
-- ended, a mapping published, a recompute that took attributes away) is committed together
-- with a row here. The row is the promise that the people it names are recomputed and the
-- live tokens of what they lost revoked, whatever dies between the commit and that work.
--
-- stage       'recompute': the people's attributes are still to be recomputed (the row is
--             locked, FOR UPDATE, by the transaction that recomputes them and moved to
--             'revoke' in it, so no two workers recompute one change);
--             'revoke': recomputed; `revocations` (AttributesRevoked[]) are still to be
--             applied to live tokens. Revoking is idempotent; the row goes when it is done.
-- people      the person ids to recompute; null for a sync run: its change set in
--             sync_run_changes.
-- claimed_by, claimed_until
--             a lease: the process that committed the row works on it at once, and others
--             leave it alone until the lease runs out (a process that died lets it lapse).
-- available_at  when the next attempt may start (retries back off).
create table change_outbox (
  id            bigserial primary key,
  organisation  text not null references organisations (number) on delete cascade,
  cause         jsonb not null,
  people        jsonb,
  stage         text not null check (stage in ('recompute', 'revoke')),
  revocations   jsonb not null default '[]',
  attempts      integer not null default 0,
  last_error    text,
  available_at  timestamptz not null default now(),
  claimed_by    text,
  claimed_until timestamptz,
  created_at    timestamptz not null default now()
);
create index change_outbox_due on change_outbox (available_at, id);
select behorig_isolate_by_organisation('change_outbox');
-- Assignments commit their change in the organisation's tenant scope.
grant usage on sequence change_outbox_id_seq to behorig_tenant;

-- The day job asks which stored attributes' last day passed (a catalog retirement among
-- them): src/mapping/day-change-sources.ts.
create index effective_attributes_by_valid_until on effective_attributes (organisation, valid_until) where valid_until is not null;
