import { Type } from 'typebox'
import { Nullable } from '../http/nullable.js'

export const SourceParams = Type.Object({
  org: Type.String({ 'x-organisation-number': 'path', description: 'Organisation number, 10 digits.' }),
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Source id.' })
})

export const SourceDocument = Type.Object({}, {
  additionalProperties: true,
  description: 'A source config as schemas/source.schema.json defines it (id, kind hr|scim|ldap, schedule, safety, config). Validated against that schema; failures are 422 source-config-invalid with JSON Pointers.'
})

export const SourceView = Type.Object({
  id: Type.String(),
  kind: Type.Enum(['hr', 'scim', 'ldap']),
  schedule: Nullable(Type.String()),
  safety: Type.Object({ max_end_percent: Type.Number() }),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'The config without its secret members.' }),
  secrets_configured: Type.Array(Type.String(), { description: 'Which secret members have a stored value (never the values).' }),
  next_run_at: Nullable(Type.String({ format: 'date-time', description: 'When the schedule next pulls; null without a schedule.' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
})

export const SourceList = Type.Object({ items: Type.Array(SourceView), next_cursor: Nullable(Type.String()) })
