-- An uploaded snapshot streams into staging while its run is queued and not yet staged.
-- The process receiving it holds a lease on the run and renews it while bytes arrive; a
-- run whose lease ran out lost its uploader (killed, crashed, its host gone), and the
-- janitor (src/sync/upload-janitor.ts) fails it and clears its staging. A lease rather than
-- "my own runs at start-up": several API processes share one store.
alter table sync_runs add column upload_lease_until timestamptz;

-- Uploads an older version was receiving when this migration ran: an hour's grace.
update sync_runs set upload_lease_until = now() + interval '1 hour'
  where trigger = 'import' and state = 'queued' and not staged;

create index sync_runs_open_uploads on sync_runs (upload_lease_until)
  where trigger = 'import' and state = 'queued' and not staged;
