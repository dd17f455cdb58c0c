import { ValidationFailed } from '../http/errors.js'
import { page } from '../http/cursor.js'
import { UnknownPerson } from '../people/errors.js'
import { verifyChain, type ChainVerification } from './audit-verifier.js'
import { chainOf } from '../audit/audit-log.js'
import type { AuditRepository, StoredAuditEvent, StoredCheckpoint } from './repository.js'

export interface AuditServiceDeps {
  audit: AuditRepository
  /** A relying party's registered name; undefined when it is gone. */
  relyingPartyName (clientId: string): Promise<string | undefined>
  /** Told of each verification's verdict (the metrics). */
  verified?: (verification: ChainVerification) => void
}

export interface EventQuery { person?: string, relying_party?: string, action?: string, from?: string, to?: string, before?: number, limit: number }

interface TokenIssuedDetails {
  jti?: string
  attributes?: Array<{ id: string, unit?: string | null }>
  expires_at?: string
  catalog?: { domain: string, version: string }
  purpose?: string
}

export function auditService (deps: AuditServiceDeps) {
  const { audit } = deps
  return {
    /** An organisation's events, or with `null` the platform chain's (the platform admin's only). */
    async events (organisation: string | null, query: EventQuery) {
      const from = query.from === undefined ? undefined : new Date(query.from)
      const to = query.to === undefined ? undefined : new Date(query.to)
      if (from && to && from > to) {
        throw ValidationFailed({ detail: '`from` is after `to`', errors: [{ pointer: '/from', detail: 'must not be after to', location: 'query' }] })
      }
      const filter = {
        limit: query.limit + 1,
        ...(query.person !== undefined ? { person_id: query.person } : {}),
        ...(query.relying_party !== undefined ? { client_id: query.relying_party } : {}),
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(query.before !== undefined ? { before: query.before } : {})
      }
      const rows = organisation === null ? await audit.listPlatform(filter) : await audit.list(organisation, filter)
      return page(rows.map(eventView), query.limit, (e) => e.seq)
    },

    /** Which relying party received which of the person's attributes, and when: their attribute-token events. */
    async disclosures (organisation: string, personId: string, query: { before?: number, limit: number }) {
      if (!await audit.personExists(organisation, personId)) throw UnknownPerson(`No person ${personId}`)
      const rows = await audit.list(organisation, { person_id: personId, action: 'attribute-token.issued', limit: query.limit + 1, ...(query.before !== undefined ? { before: query.before } : {}) })
      const names = new Map<string, string | undefined>()
      for (const clientId of new Set(rows.flatMap((r) => (r.client_id ? [r.client_id] : [])))) names.set(clientId, await deps.relyingPartyName(clientId))
      const items = rows.map((row) => ({ seq: Number(row.seq), ...disclosureView(row, names) }))
      const result = page(items, query.limit, (d) => d.seq)
      return { items: result.items.map(({ seq: _seq, ...d }) => d), next_cursor: result.next_cursor }
    },

    async verify (organisation: string | undefined): Promise<ChainVerification> {
      const verification = await verifyChain(audit, chainOf(organisation ?? null))
      deps.verified?.(verification)
      return verification
    },

    async checkpoints (query: { before?: number, limit: number }) {
      const rows = await audit.checkpoints(query.before, query.limit + 1)
      return page(rows.map(checkpointView), query.limit, (c) => c.id)
    }
  }
}

export type AuditService = ReturnType<typeof auditService>

function eventView (row: StoredAuditEvent) {
  return {
    chain: row.chain,
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    organisation: row.organisation,
    action: row.action,
    actor: row.actor as { kind: 'system', component: string },
    person_id: row.person_id,
    client_id: row.client_id,
    details: row.details as Record<string, unknown>,
    prev_hash: row.prev_hash,
    hash: row.hash
  }
}

function disclosureView (row: StoredAuditEvent, names: Map<string, string | undefined>) {
  const details = row.details as TokenIssuedDetails
  const clientId = row.client_id ?? ''
  const name = names.get(clientId)
  return {
    at: new Date(row.at).toISOString(),
    relying_party: { client_id: clientId, ...(name !== undefined ? { name } : {}) },
    attributes: (details.attributes ?? []).map((a) => ({ id: a.id, ...(a.unit ? { unit: a.unit } : {}) })),
    jti: details.jti ?? '',
    expires_at: details.expires_at ?? new Date(row.at).toISOString(),
    ...(details.catalog ? { catalog: { domain: details.catalog.domain, version: details.catalog.version } } : {}),
    ...(details.purpose !== undefined ? { purpose: details.purpose } : {})
  }
}

function checkpointView (row: StoredCheckpoint) {
  return {
    id: Number(row.id),
    created_at: new Date(row.created_at).toISOString(),
    checkpoint: row.checkpoint,
    chains: row.chains.map((c) => ({ chain: c.chain, seq: Number(c.seq), hash: c.hash })),
    public_jwk: row.public_jwk as { kty: string, crv: string, x: string, y?: string, kid: string, alg: 'ES256' | 'EdDSA', use: 'sig' }
  }
}
