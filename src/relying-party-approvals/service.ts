import type { AuditActor, AuditEventInput } from '../audit/audit-event.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import type { ProblemFieldError } from '../http/problem.js'
import type { OrganisationRepository } from '../organisations/repository.js'
import { UnknownOrganisation } from '../organisations/errors.js'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import { UnknownRelyingParty } from '../relying-parties/errors.js'
import type { IssuedTokenRecord } from '../tokens/attribute-token-repository.js'
import { approvalCovers, type Approval } from '../tokens/release-policy.js'
import type { ApprovalChange, ApprovalRepository, StoredApproval } from './repository.js'
import type { ApprovalInput, ApprovalView } from './schemas.js'
import { ApprovalInvalid, UnknownApproval } from './errors.js'

export interface ApprovalDeps {
  approvals: ApprovalRepository
  organisations: Pick<OrganisationRepository, 'find'>
  findRelyingParty: (clientId: string) => Promise<StoredRelyingParty | undefined>
  /** Whether the catalog has an attribute with this id. */
  knownAttribute: (id: string) => boolean
  /** Sets a token's bit in its status list (the status-list service). */
  setStatus: (listId: number, idx: number, invalid: boolean) => Promise<void>
  /** Today's evaluation day (Europe/Stockholm), as issuance reads it. */
  today: () => string
  now?: () => number
}

export function approvalService (deps: ApprovalDeps) {
  const now = deps.now ?? Date.now

  /**
   * The party's live tokens about the organisation's people that `next` no longer covers,
   * their status bits set: a token is marked revoked in the table (by the caller, with the
   * change) only once its bit is.
   */
  async function revokeUncovered (organisation: string, clientId: string, next: Approval | undefined): Promise<IssuedTokenRecord[]> {
    const day = deps.today()
    const hit = (await deps.approvals.liveTokens(organisation, clientId, new Date(now()))).filter((t) => !approvalCovers(next, t, day))
    for (const token of hit) await deps.setStatus(token.status_list_id, token.status_idx, true)
    return hit
  }

  /**
   * After the change committed: tokens whose issuance committed between the first scan and
   * the change. One committing later reads the changed approval itself (issuance-ledger).
   */
  async function revokeStragglers (organisation: string, clientId: string, next: Approval | undefined): Promise<void> {
    const late = await revokeUncovered(organisation, clientId, next)
    await deps.approvals.markRevoked(organisation, late.map((t) => t.jti), new Date(now()))
  }

  return {
    async put (organisation: string, clientId: string, input: ApprovalInput, actor: AuditActor): Promise<{ created: boolean, view: ApprovalView }> {
      if (!await deps.organisations.find(organisation)) throw UnknownOrganisation(`No organisation ${organisation}`)
      const party = await deps.findRelyingParty(clientId)
      // An entity identifier may be approved before its agency first calls through federation.
      if (!party && !clientId.startsWith('https://')) throw UnknownRelyingParty(`No relying party "${clientId}"`)
      requireValid(input, party, deps)
      const change: ApprovalChange = {
        organisation,
        client_id: clientId,
        attributes: input.attributes,
        purposes: input.purposes,
        valid_until: input.valid_until ?? null,
        agreement: input.agreement,
        note: input.note ?? null,
        actor
      }
      const previous = await deps.approvals.find(organisation, clientId)
      const revoked = previous ? await revokeUncovered(organisation, clientId, change) : []
      const { created, stored } = await deps.approvals.put(change, {
        revoke: revoked.map((t) => t.jti),
        at: new Date(now()),
        audit: (isNew) => approvalEvent(isNew ? 'relying-party-approval.granted' : 'relying-party-approval.changed', change, change.actor, isNew ? undefined : revoked.length)
      })
      if (previous) await revokeStragglers(organisation, clientId, change)
      return { created, view: view(stored) }
    },

    async withdraw (organisation: string, clientId: string, actor: AuditActor): Promise<void> {
      const previous = await deps.approvals.find(organisation, clientId)
      if (!previous) throw unknownApproval(organisation, clientId)
      const revoked = await revokeUncovered(organisation, clientId, undefined)
      const withdrawn = await deps.approvals.delete(organisation, clientId, {
        revoke: revoked.map((t) => t.jti),
        at: new Date(now()),
        audit: () => approvalEvent('relying-party-approval.withdrawn', previous, actor, revoked.length)
      })
      if (!withdrawn) throw unknownApproval(organisation, clientId)
      await revokeStragglers(organisation, clientId, undefined)
    },

    /** Whether the organisation has an approval for the party, whatever it says. */
    async exists (organisation: string, clientId: string): Promise<boolean> {
      return (await deps.approvals.find(organisation, clientId)) !== undefined
    },

    async get (organisation: string, clientId: string): Promise<ApprovalView> {
      const found = await deps.approvals.find(organisation, clientId)
      if (!found) throw unknownApproval(organisation, clientId)
      return view(found)
    },

    async list (organisation: string, cursor: string | undefined, limit: number) {
      const after = decodeCursor(cursor, cursorKey.text)
      return page((await deps.approvals.list(organisation, after, limit + 1)).map(view), limit, (v) => v.client_id)
    }
  }
}

export type ApprovalService = ReturnType<typeof approvalService>
export type { ApprovalInput } from './schemas.js'

const unknownApproval = (organisation: string, clientId: string): Error => UnknownApproval(`${organisation} has not approved "${clientId}"`)

/** What the schema cannot say: attributes the catalog has, purposes the party registered, a valid_until not past. */
function requireValid (input: ApprovalInput, party: StoredRelyingParty | undefined, deps: Pick<ApprovalDeps, 'knownAttribute' | 'today'>): void {
  const errors: ProblemFieldError[] = []
  if (Array.isArray(input.attributes)) {
    input.attributes.forEach((id, i) => { if (!deps.knownAttribute(id)) errors.push({ pointer: `/attributes/${i}`, detail: `no attribute ${id} in the catalog` }) })
  }
  if (party) {
    const registered = new Set((party.document.purposes ?? []).map((p) => p.id))
    input.purposes.forEach((id, i) => { if (!registered.has(id)) errors.push({ pointer: `/purposes/${i}`, detail: `the relying party registered no purpose ${id}` }) })
  }
  if (input.valid_until !== undefined && input.valid_until < deps.today()) errors.push({ pointer: '/valid_until', detail: `is in the past (today is ${deps.today()})` })
  if (errors.length > 0) throw ApprovalInvalid({ detail: errors.map((e) => `${e.pointer} ${e.detail}`).join('; '), errors })
}

function approvalEvent (action: 'relying-party-approval.granted' | 'relying-party-approval.changed' | 'relying-party-approval.withdrawn', approval: ApprovalChange, actor: AuditActor, tokensRevoked: number | undefined): AuditEventInput {
  return {
    organisation: approval.organisation,
    client_id: approval.client_id,
    action,
    actor,
    details: {
      client_id: approval.client_id,
      attributes: approval.attributes,
      purposes: approval.purposes,
      valid_until: approval.valid_until,
      agreement: approval.agreement,
      ...(tokensRevoked !== undefined ? { tokens_revoked: tokensRevoked } : {})
    }
  }
}

function view (stored: StoredApproval): ApprovalView {
  return {
    client_id: stored.client_id,
    attributes: stored.attributes === 'all-released' ? 'all-released' : [...stored.attributes],
    purposes: [...stored.purposes],
    valid_until: stored.valid_until,
    agreement: stored.agreement,
    note: stored.note,
    approved_by: stored.actor,
    created_at: stored.created_at.toISOString(),
    updated_at: stored.updated_at.toISOString()
  }
}
