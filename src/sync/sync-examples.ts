/** Examples for openapi.yaml: the runs Exempelkommun's HR snapshot makes. */
const times = { created_at: '2026-03-02T05:00:00.120Z', started_at: '2026-03-02T05:00:00.310Z', finished_at: '2026-03-02T05:00:02.870Z' }

export const succeededRunExample = {
  id: 'run_8fK2mQ4xZ1pT',
  source: 'heroma',
  trigger: 'import',
  state: 'succeeded',
  mode: 'full',
  counts: { read: 412, created: 3, updated: 7, ended: 2, unchanged: 399, quarantined: 1, units: { created: 0, updated: 1, unchanged: 17, removed: 0 } },
  attempts: 1,
  ...times
}

export const awaitingRunExample = {
  ...succeededRunExample,
  id: 'run_Vb3nL7cR2sQe',
  trigger: 'schedule',
  state: 'awaiting-approval',
  counts: { read: 301, ended: 111, quarantined: 0, active_before: 412, max_end_percent: 10 }
}

export const quarantineExample = {
  items: [{
    row: 19,
    record_type: 'employment',
    pointer: '/rows/18/start_date',
    code: 'malformed-date',
    reason: 'start_date must be a date (YYYY-MM-DD)',
    problems: [{ pointer: '/rows/18/start_date', code: 'malformed-date', reason: 'start_date must be a date (YYYY-MM-DD)' }],
    raw: { employee_number: '100981', unit_id: 'soc-eb-norr', employment_type: 'visstid', start_date: '2026-13-01' }
  }],
  next_cursor: null
}
