-- The metrics read, at every scrape, how many sync runs await a steward's approval
-- (src/sync/run-repository.ts, operationalCounts). Such runs are few and the table is
-- large (every SCIM push is a run): this index holds only them.
create index sync_runs_awaiting_approval on sync_runs (organisation, source) where state = 'awaiting-approval';
