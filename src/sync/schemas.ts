import { Type } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { Cursor } from '../http/cursor.js'
import { RUN_STATES } from './run-repository.js'

const OrgNumber = Type.String({ 'x-organisation-number': 'path', description: 'Organisation number, 10 digits.' })

export const RunParams = Type.Object({
  org: OrgNumber,
  run: Type.String({ pattern: '^run_[A-Za-z0-9]{1,40}$', description: 'Sync run id.' })
})

export const RunListQuery = Type.Object({
  source: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Only runs of this source.' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })

export const SyncQuery = Type.Object({
  mode: Type.Optional(Type.Enum(['full', 'incremental'], { description: 'full: read the whole directory now. Absent or incremental: the source\'s schedule of full and incremental runs decides.' }))
}, { additionalProperties: false })

export { RunAccepted } from '../sources/run-accepted.js'

export const Counts = Type.Object({
  read: Type.Optional(Type.Integer({ description: 'Employment records read, quarantined ones included.' })),
  created: Type.Optional(Type.Integer()),
  updated: Type.Optional(Type.Integer()),
  ended: Type.Optional(Type.Integer({ description: 'Active employments the source no longer lists.' })),
  unchanged: Type.Optional(Type.Integer()),
  quarantined: Type.Optional(Type.Integer({ description: 'Records held back; see …/quarantine.' })),
  active_before: Type.Optional(Type.Integer({ description: 'On awaiting-approval: active employments before the run.' })),
  max_end_percent: Type.Optional(Type.Number({ description: 'On awaiting-approval: the threshold that was exceeded.' })),
  units: Type.Optional(Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), removed: Type.Integer() }))
}, { additionalProperties: true })

export const SyncRunView = Type.Object({
  id: Type.String(),
  source: Type.String(),
  trigger: Type.Enum(['import', 'pull', 'schedule', 'push']),
  state: Type.Enum(RUN_STATES),
  mode: Type.Enum(['full', 'incremental'], { description: 'full: the source\'s whole picture was read, so what it no longer lists has ended. incremental (directory sources, SCIM pushes): only what changed was read; nothing ends.' }),
  counts: Counts,
  attempts: Type.Integer({ description: 'How many times a worker started the run; more than 1 means it was retried.' }),
  created_at: Type.String({ format: 'date-time' }),
  started_at: Nullable(Type.String({ format: 'date-time' })),
  finished_at: Nullable(Type.String({ format: 'date-time' })),
  error: Type.Optional(Type.Object({ type: Type.Optional(Type.String()), title: Type.Optional(Type.String()), detail: Type.String(), errors: Type.Optional(Type.Array(Type.Unknown())) }, { additionalProperties: true })),
  unmatched: Type.Optional(Type.Array(Type.Unknown(), { description: 'Directory accounts no person could be correlated with.' })),
  decided_by: Type.Optional(Type.String({ description: 'Who approved or rejected the run.' })),
  decided_at: Type.Optional(Type.String({ format: 'date-time' }))
})

export const SyncRunList = Type.Object({ items: Type.Array(SyncRunView), next_cursor: Nullable(Type.String()) })

export const QuarantineQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })

export const QuarantineList = Type.Object({
  items: Type.Array(Type.Object({
    row: Type.Integer({ description: 'CSV: the line number (header = 1). JSON: index in its array.' }),
    record_type: Type.Enum(['unit', 'employment']),
    pointer: Type.String({ description: 'JSON Pointer to the offending field: /rows/18/start_date (CSV) or /employments/17/start_date (JSON).' }),
    code: Type.String({ description: 'Stable reason code, e.g. malformed-date, unknown-unit, duplicate-employment.' }),
    reason: Type.String(),
    problems: Type.Array(Type.Object({ pointer: Type.String(), code: Type.String(), reason: Type.String() })),
    raw: Type.Optional(Type.Unknown({ description: 'The record as received, without any personnummer.' }))
  })),
  next_cursor: Nullable(Type.String())
})
