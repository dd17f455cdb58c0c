import { Type, type Static } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { Cursor } from '../http/cursor.js'

export const ORGANISATION_KINDS = ['municipality', 'region', 'agency', 'private-provider'] as const

export const OrganisationNumber = (mode: 'path' | 'body', description: string) =>
  Type.String({ 'x-organisation-number': mode, description, examples: ['2120000142'] })

export const OrgParams = Type.Object({
  org: OrganisationNumber('path', 'Organisation number: 10 digits, no hyphen, Luhn-checked.')
})
export type OrgParams = Static<typeof OrgParams>

const stockholm = { number: '2120000142', name: 'Stockholms stad', kind: 'municipality', municipality_code: '0180', created_at: '2026-01-12T08:30:00.000Z', updated_at: '2026-01-12T08:30:00.000Z' }
const exempelkommun = { number: '2129999997', name: 'Exempelkommun', kind: 'municipality', municipality_code: null, created_at: '2026-02-03T09:15:00.000Z', updated_at: '2026-03-01T10:00:00.000Z' }

export const OrganisationInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Registered name, e.g. "Stockholms stad".' }),
  kind: Type.Enum(ORGANISATION_KINDS, { description: 'municipality, region, agency or private-provider.' }),
  municipality_code: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{4}$', description: 'Kommunkod from SCB, 4 digits (e.g. 0180 for Stockholm).' })))
}, { additionalProperties: false, examples: [{ name: 'Stockholms stad', kind: 'municipality', municipality_code: '0180' }] })
export type OrganisationInput = Static<typeof OrganisationInput>

export const Organisation = Type.Object({
  number: Type.String({ description: 'Organisation number, 10 digits.' }),
  name: Type.String(),
  kind: Type.Enum(ORGANISATION_KINDS),
  municipality_code: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { examples: [stockholm] })
export type Organisation = Static<typeof Organisation>

export const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Page size.' }),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })
export type ListQuery = Static<typeof ListQuery>

export const OrganisationList = Type.Object({
  items: Type.Array(Organisation),
  next_cursor: Nullable(Type.String({ description: 'Cursor for the next page; null on the last page.' }))
}, { examples: [{ items: [stockholm, exempelkommun], next_cursor: null }] })
