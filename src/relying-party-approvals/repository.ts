import type { Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'
import { withTenant } from '../store/tenant-scope.js'
import { jsonColumn } from '../store/json-column.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor, AuditEventInput } from '../audit/audit-event.js'
import { revocationRepository } from '../tokens/attribute-token-repository.js'
import { approvedAttributesOf, type Approval } from '../tokens/release-policy.js'

export interface StoredApproval extends Approval {
  organisation: string
  client_id: string
  agreement: string
  note: string | null
  actor: AuditActor
  created_at: Date
  updated_at: Date
}

export type ApprovalChange = Omit<StoredApproval, 'created_at' | 'updated_at'>

/** What goes with a change in its transaction: tokens to mark revoked (their bits already set) and the audit event. */
export interface ChangeRecord { revoke: readonly string[], at: Date, audit: (created: boolean) => AuditEventInput }

const COLUMNS = ['organisation', 'client_id', 'attributes', 'purposes', 'valid_until', 'agreement', 'note', 'actor', 'created_at', 'updated_at'] as const

/** Every statement runs in the organisation's tenant scope (row-level security, migration 0020). */
export function approvalRepository (db: Kysely<Database>) {
  return {
    async find (organisation: string, clientId: string): Promise<StoredApproval | undefined> {
      return withTenant(db, organisation, async (trx) => {
        const row = await trx.selectFrom('relying_party_approvals').select(COLUMNS)
          .where('organisation', '=', organisation).where('client_id', '=', clientId).executeTakeFirst()
        return row ? stored(row) : undefined
      })
    },

    async list (organisation: string, after: string | undefined, limit: number): Promise<StoredApproval[]> {
      return withTenant(db, organisation, async (trx) => {
        let query = trx.selectFrom('relying_party_approvals').select(COLUMNS).where('organisation', '=', organisation).orderBy('client_id').limit(limit)
        if (after !== undefined) query = query.where('client_id', '>', after)
        return (await query.execute()).map(stored)
      })
    },

    /** Inserts or replaces, marks `revoke` revoked and appends the audit event, in one transaction; `created` when it was new. */
    async put (change: ApprovalChange, record: ChangeRecord): Promise<{ created: boolean, stored: StoredApproval }> {
      return withTenant(db, change.organisation, async (trx) => {
        const values = {
          organisation: change.organisation,
          client_id: change.client_id,
          attributes: JSON.stringify(change.attributes),
          purposes: JSON.stringify(change.purposes),
          valid_until: change.valid_until,
          agreement: change.agreement,
          note: change.note,
          actor: JSON.stringify(change.actor)
        }
        const existed = await trx.selectFrom('relying_party_approvals').select('client_id')
          .where('organisation', '=', change.organisation).where('client_id', '=', change.client_id).forUpdate().executeTakeFirst()
        const row = await trx.insertInto('relying_party_approvals').values(values)
          .onConflict((oc) => oc.columns(['organisation', 'client_id']).doUpdateSet({ ...values, updated_at: record.at }))
          .returning(COLUMNS).executeTakeFirstOrThrow()
        await revocationRepository(trx).markRevoked(change.organisation, record.revoke, record.at)
        await appendAudit(trx, [record.audit(existed === undefined)])
        return { created: existed === undefined, stored: stored(row) }
      })
    },

    /** Deletes, marks `revoke` revoked and appends the audit event, in one transaction; false when there was none. */
    async delete (organisation: string, clientId: string, record: ChangeRecord): Promise<boolean> {
      return withTenant(db, organisation, async (trx) => {
        const row = await trx.deleteFrom('relying_party_approvals')
          .where('organisation', '=', organisation).where('client_id', '=', clientId).returning('client_id').executeTakeFirst()
        if (!row) return false
        await revocationRepository(trx).markRevoked(organisation, record.revoke, record.at)
        await appendAudit(trx, [record.audit(false)])
        return true
      })
    },

    async markRevoked (organisation: string, jtis: readonly string[], at: Date): Promise<void> {
      if (jtis.length === 0) return
      await withTenant(db, organisation, (trx) => revocationRepository(trx).markRevoked(organisation, jtis, at))
    },

    /** The relying party's unexpired, unrevoked tokens about the organisation's people. */
    async liveTokens (organisation: string, clientId: string, now: Date) {
      return withTenant(db, organisation, (trx) => revocationRepository(trx).liveTokensOfParty(organisation, clientId, now))
    }
  }
}

export type ApprovalRepository = ReturnType<typeof approvalRepository>

function stored (row: { organisation: string, client_id: string, attributes: unknown, purposes: unknown, valid_until: string | null, agreement: string, note: string | null, actor: unknown, created_at: Date, updated_at: Date }): StoredApproval {
  return {
    organisation: row.organisation,
    client_id: row.client_id,
    attributes: approvedAttributesOf(row.attributes),
    purposes: jsonColumn<string[]>(row.purposes),
    valid_until: row.valid_until,
    agreement: row.agreement,
    note: row.note,
    actor: jsonColumn<AuditActor>(row.actor),
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at)
  }
}
