import { Type } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { SOURCE_KINDS } from './source-connector.js'

export const SourceParams = Type.Object({
  org: Type.String({ 'x-organisation-number': 'path', description: 'Organisation number, 10 digits.' }),
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Source id.' })
})

export const SourceDocument = Type.Object({}, {
  additionalProperties: true,
  description: 'A source config as schemas/source.schema.json defines it (id, kind hr|scim|ldap, schedule, safety, config). Validated against that schema; failures are 422 source-config-invalid with JSON Pointers.',
  examples: [{ id: 'heroma', kind: 'hr', schedule: '0 5 * * *', safety: { max_end_percent: 10 }, config: { url: 'https://hr.exempelkommun.se/export/anstallningar.csv', format: 'csv', bearer_token: 'hr-export-token-from-the-hr-system' } }]
})

export const SourceView = Type.Object({
  id: Type.String(),
  kind: Type.Enum(SOURCE_KINDS),
  schedule: Nullable(Type.String()),
  safety: Type.Object({ max_end_percent: Type.Number() }),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'The config without its secret members.' }),
  secrets_configured: Type.Array(Type.String(), { description: 'Which secret members have a stored value (never the values).' }),
  next_run_at: Nullable(Type.String({ format: 'date-time', description: 'When the schedule next pulls; null without a schedule.' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { examples: [{ id: 'heroma', kind: 'hr', schedule: '0 5 * * *', safety: { max_end_percent: 10 }, config: { url: 'https://hr.exempelkommun.se/export/anstallningar.csv', format: 'csv' }, secrets_configured: ['bearer_token'], next_run_at: '2026-03-02T05:00:00.000Z', created_at: '2026-02-03T09:30:00.000Z', updated_at: '2026-02-03T09:30:00.000Z' }] })

export const SourceList = Type.Object({ items: Type.Array(SourceView), next_cursor: Nullable(Type.String()) }, {
  examples: [{ items: [{ id: 'heroma', kind: 'hr', schedule: '0 5 * * *', safety: { max_end_percent: 10 }, config: { url: 'https://hr.exempelkommun.se/export/anstallningar.csv', format: 'csv' }, secrets_configured: ['bearer_token'], next_run_at: '2026-03-02T05:00:00.000Z', created_at: '2026-02-03T09:30:00.000Z', updated_at: '2026-02-03T09:30:00.000Z' }, { id: 'ad', kind: 'ldap', schedule: '*/15 * * * *', safety: { max_end_percent: 10 }, config: { url: 'ldaps://ad.exempelkommun.se', bind_dn: 'cn=behorig,ou=service,dc=exempel,dc=se', user_base_dn: 'ou=people,dc=exempel,dc=se', group_base_dn: 'ou=groups,dc=exempel,dc=se' }, secrets_configured: ['bind_password'], next_run_at: '2026-03-01T10:15:00.000Z', created_at: '2026-02-03T09:40:00.000Z', updated_at: '2026-02-03T09:40:00.000Z' }], next_cursor: null }]
})
