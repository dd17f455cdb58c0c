import { Type, type Static } from 'typebox'
import { Nullable } from '../http/nullable.js'
import { OrganisationNumber } from '../organisations/schemas.js'
import { CLIENT_ID_PATTERN } from '../relying-parties/schemas.js'
import { PURPOSE_ID_PATTERN } from '../relying-parties/relying-party-document.js'

/** A registered client_id, or an OpenID Federation entity identifier (an https URL). */
export const APPROVED_CLIENT_ID_PATTERN = `^(?:${CLIENT_ID_PATTERN.slice(1, -1)}|https://[!-~]+)$`
export const ALL_RELEASED = 'all-released'

export const ApprovalParams = Type.Object({
  org: OrganisationNumber('path', 'Organisation number: 10 digits, no hyphen, Luhn-checked.'),
  client_id: Type.String({ pattern: APPROVED_CLIENT_ID_PATTERN, maxLength: 2048, description: 'The relying party\'s client_id, or an OpenID Federation entity identifier (an https URL, percent-encoded in the path, at most 2048 characters) for an agency that joins through federation and may be approved before it first calls.' })
})

const attributes = Type.Union([
  Type.Literal(ALL_RELEASED, { description: 'Whatever the relying party\'s platform release policy names.' }),
  Type.Array(Type.String({ pattern: '^[a-z][a-z0-9]*(\\.[a-z0-9][a-z0-9-]*)+$', maxLength: 200, description: 'A catalog attribute id.' }), { minItems: 1, maxItems: 500, uniqueItems: true, description: 'These catalog attributes, where the release policy also names them.' })
], { description: 'What the organisation approves: "all-released", or a list of catalog attribute ids. Released is the release policy ∩ this.' })

export const ApprovalInput = Type.Object({
  attributes,
  purposes: Type.Array(Type.String({ pattern: PURPOSE_ID_PATTERN, description: 'A purpose id the relying party registered.' }), { maxItems: 50, uniqueItems: true, default: [], description: 'The purposes (ids the relying party registered) requests may state. A party that registered purposes gets nothing for a purpose not listed here.' }),
  valid_until: Type.Optional(Type.String({ format: 'date', description: 'The last day (Europe/Stockholm) the approval holds, YYYY-MM-DD; not in the past. Without it, until withdrawn.' })),
  agreement: Type.String({ minLength: 3, maxLength: 500, description: 'The agreement or legal basis the approval rests on, e.g. a personuppgiftsbiträdesavtal\'s reference or the law.' }),
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'Free text for the organisation\'s stewards.' }))
}, {
  additionalProperties: false,
  examples: [{ attributes: ['socialtjanst.eb.handlaggare'], purposes: ['ekonomiskt-bistand'], valid_until: '2027-12-31', agreement: 'Avtal om direktåtkomst SSBTEK, dnr KS 2026/123', note: 'Reviewed yearly' }]
})
export type ApprovalInput = Static<typeof ApprovalInput>

const Actor = Type.Object({
  kind: Type.Enum(['platform-admin', 'api-key', 'system', 'relying-party']),
  key_id: Type.Optional(Type.String()),
  organisation: Type.Optional(Type.String()),
  component: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String())
}, { description: 'Who approved last: the API key (by id), the platform admin, or the system (migration 0020).' })

const approvalExample = { client_id: 'fk-ssbtek', attributes: ['socialtjanst.eb.handlaggare'], purposes: ['ekonomiskt-bistand'], valid_until: '2027-12-31', agreement: 'Avtal om direktåtkomst SSBTEK, dnr KS 2026/123', note: 'Reviewed yearly', approved_by: { kind: 'api-key', key_id: 'k_3f9a', organisation: '2129999997' }, created_at: '2026-12-06T09:00:00.000Z', updated_at: '2026-12-06T09:00:00.000Z' }

export const ApprovalView = Type.Object({
  client_id: Type.String(),
  attributes: Type.Union([Type.Literal(ALL_RELEASED), Type.Array(Type.String())]),
  purposes: Type.Array(Type.String()),
  valid_until: Nullable(Type.String({ format: 'date' })),
  agreement: Type.String(),
  note: Nullable(Type.String()),
  approved_by: Actor,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { examples: [approvalExample] })
export type ApprovalView = Static<typeof ApprovalView>

export const ApprovalList = Type.Object({
  items: Type.Array(ApprovalView),
  next_cursor: Nullable(Type.String({ description: 'Cursor for the next page; null on the last page.' }))
}, { examples: [{ items: [approvalExample], next_cursor: null }] })
