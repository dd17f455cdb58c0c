import type { Principal } from '../auth/principal.js'

/**
 * Who did it. Never a secret and never a personnummer: an API key by its id, a relying
 * party by its client_id, background work by the component that ran it.
 */
export type AuditActor =
  | { kind: 'platform-admin' }
  | { kind: 'api-key', key_id: string, organisation: string }
  | { kind: 'relying-party', client_id: string }
  | { kind: 'system', component: string }

/** Every action the audit log records. Dotted: what it is about, then what happened. */
export const AUDIT_ACTIONS = [
  'attribute-token.issued',
  'access-token.issued',
  'client-authentication.refused',
  'organisation.created',
  'organisation.updated',
  'identity-provider.registered',
  'identity-provider.removed',
  'api-key.created',
  'api-key.revoked',
  'source.created',
  'source.updated',
  'source.deleted',
  'sync-run.started',
  'sync-run.finished',
  'sync-run.approved',
  'sync-run.rejected',
  'mapping.published',
  'attribute-day.completed',
  'catalog.loaded',
  'relying-party.created',
  'relying-party.updated',
  'relying-party.deleted',
  'relying-party-approval.granted',
  'relying-party-approval.changed',
  'relying-party-approval.withdrawn',
  'assignment.created',
  'assignment.ended',
  'key.rotated'
] as const

export type AuditAction = typeof AUDIT_ACTIONS[number]

/** An event as a writer hands it over; the log adds chain, sequence, time and hashes. */
export interface AuditEventInput {
  /** The organisation whose chain records it; null → the platform chain. */
  organisation: string | null
  action: AuditAction
  actor: AuditActor
  /** The person it concerns (behorig's person id, never a personnummer). */
  person_id?: string | null
  /** The relying party it concerns. */
  client_id?: string | null
  /** What happened, as JSON; never a secret or a personnummer. */
  details: Record<string, unknown>
  /** When; the log's clock otherwise. */
  at?: Date
}

/** The actor behind an authenticated request; `system` when there is none. */
export function actorOf (principal: Principal | undefined, component = 'behorig'): AuditActor {
  if (!principal) return { kind: 'system', component }
  switch (principal.kind) {
    case 'platform-admin': return { kind: 'platform-admin' }
    case 'api-key': return { kind: 'api-key', key_id: principal.keyId, organisation: principal.organisation }
    case 'relying-party': return { kind: 'relying-party', client_id: principal.clientId }
    // Only reads GET /metrics, which records nothing; named should that ever change.
    case 'metrics-scraper': return { kind: 'system', component: 'metrics-scraper' }
  }
}
