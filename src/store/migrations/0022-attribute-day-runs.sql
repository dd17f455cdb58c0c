-- The day job (src/mapping/day-run.ts): one row per organisation and day whose calendar
-- changes (employments that began or ended) were recomputed. A row is written in the
-- recompute's own transaction, so it exists exactly when the work committed: a second run
-- of the same day waits on the first one's insert and then finds it, and a run that died
-- left none. `run_on` is the day of the run that covered it: later than `day` for a day
-- caught up after downtime.
create table attribute_day_runs (
  organisation text not null references organisations (number) on delete cascade,
  day          date not null,
  run_on       date not null,
  completed_at timestamptz not null default now(),
  primary key (organisation, day)
);
select behorig_isolate_by_organisation('attribute_day_runs');
