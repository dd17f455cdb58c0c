/** Examples for openapi.yaml: Exempelkommun's HR snapshot and the runs it makes. */
export const csvSnapshotExample = [
  'employee_number;given_name;family_name;email;unit_id;unit_name;parent_unit_id;unit_kind;position_code;title;employment_type;start_date;end_date;extent',
  ';;;;soc-eb;Ekonomiskt bistånd;;avdelning;;;;;;',
  '100234;Anna;Svensson;anna.svensson@exempelkommun.se;soc-eb-norr;Ekonomiskt bistånd norr;soc-eb;enhet;151010;Socialsekreterare;tillsvidare;2021-03-01;;100',
  '100457;Örjan;Bäckström;orjan.backstrom@exempelkommun.se;soc-eb-norr;Ekonomiskt bistånd norr;soc-eb;enhet;151020;Förste socialsekreterare;vikariat;2026-01-01;2026-06-30;75',
  ''
].join('\n')

export const jsonSnapshotExample = {
  units: [
    { id: 'soc-eb', name: 'Ekonomiskt bistånd', parent_id: null, kind: 'avdelning', hsa_id: null },
    { id: 'soc-eb-norr', name: 'Ekonomiskt bistånd norr', parent_id: 'soc-eb', kind: 'enhet', hsa_id: null }
  ],
  employments: [
    { employment_id: 'E-1001', employee_number: '100234', given_name: 'Anna', family_name: 'Svensson', email: 'anna.svensson@exempelkommun.se', unit_id: 'soc-eb-norr', position_code: '151010', title: 'Socialsekreterare', employment_type: 'tillsvidare', start_date: '2021-03-01', end_date: null, extent: 100 }
  ]
}

export const runAcceptedExample = { run_id: 'run_8fK2mQ4xZ1pT', state: 'queued' }

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
