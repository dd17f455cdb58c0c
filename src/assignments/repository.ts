import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { AuditActor, AuditEventInput } from '../audit/audit-event.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AssignmentTable, Database } from '../store/database-types.js'
import { jsonColumn } from '../store/json-column.js'
import { outboxRepository } from '../outbox/outbox-repository.js'
import { withTenant } from '../store/tenant-scope.js'
import type { PersonKey } from './schemas.js'

/** A row of `assignments`, its actors read as actors. */
export type StoredAssignment = Omit<Selectable<AssignmentTable>, 'granted_by' | 'ended_by'> & { granted_by: AuditActor, ended_by: AuditActor | null }

export type NewAssignment = Omit<StoredAssignment, 'created_at' | 'ended_at' | 'ended_by' | 'end_reason'>

/** A substitute not in HR, as a person of the organisation with no employment. */
export interface ExternalPersonRecord { id: string, service_id: string, hsa_id: string | null, given_name: string, family_name: string, email: string | null }

export interface AssignmentFilter { person?: string, attribute?: string, active_on?: string }

/** What the create and end transactions check and write, all in the organisation's tenant scope. */
export interface AssignmentTransaction {
  /** The ids of people `key` names (at most two: enough to tell one from several). */
  peopleBy: (key: PersonKey, value: string) => Promise<string[]>
  unitExists: (unitId: string) => Promise<boolean>
  /** False when another writer took the service-id or HSA-id meanwhile (the transaction is then spent: throw). */
  insertPerson: (person: ExternalPersonRecord, assignmentId: string) => Promise<boolean>
  insert: (assignment: NewAssignment) => Promise<StoredAssignment>
  /** Locks the row for the end. */
  findForUpdate: (id: string) => Promise<StoredAssignment | undefined>
  end: (id: string, at: Date, by: AuditActor, reason: string) => Promise<StoredAssignment>
  audit: (event: AuditEventInput) => Promise<void>
  /** Commits the person's recompute as owed, in the change outbox; returns the change. */
  owe: (personId: string, assignmentId: string) => Promise<string>
}

const PERSON_COLUMN = { 'employee-number': 'employee_number', 'service-id': 'service_id', 'hsa-id': 'hsa_id' } as const

/** Every statement runs in the organisation's tenant scope (row-level security, migration 0023). */
export function assignmentRepository (db: Kysely<Database>) {
  return {
    /** Runs `fn` in one tenant-scoped transaction: nothing of a refused or failed change is kept. */
    async transaction<T> (organisation: string, fn: (tx: AssignmentTransaction) => Promise<T>): Promise<T> {
      return withTenant(db, organisation, (trx) => fn(transactionOf(trx, organisation)))
    },

    async find (organisation: string, id: string): Promise<StoredAssignment | undefined> {
      return withTenant(db, organisation, async (trx) => {
        const row = await trx.selectFrom('assignments').selectAll().where('organisation', '=', organisation).where('id', '=', id).executeTakeFirst()
        return row ? stored(row) : undefined
      })
    },

    /** In id order, after the cursor's id. */
    async list (organisation: string, filter: AssignmentFilter, after: string | undefined, limit: number): Promise<StoredAssignment[]> {
      return withTenant(db, organisation, async (trx) => {
        let q = trx.selectFrom('assignments').selectAll().where('organisation', '=', organisation)
        if (filter.person !== undefined) q = q.where('person_id', '=', filter.person)
        if (filter.attribute !== undefined) q = q.where('attribute_id', '=', filter.attribute)
        if (filter.active_on !== undefined) q = q.where('ended_at', 'is', null).where('valid_from', '<=', filter.active_on).where('valid_until', '>=', filter.active_on)
        if (after !== undefined) q = q.where('id', '>', after)
        return (await q.orderBy('id').limit(limit).execute()).map(stored)
      })
    }
  }
}

export type AssignmentRepository = ReturnType<typeof assignmentRepository>

function transactionOf (trx: Transaction<Database>, organisation: string): AssignmentTransaction {
  return {
    async peopleBy (key, value) {
      let q = trx.selectFrom('people').select('id').where('organisation', '=', organisation).limit(2)
      q = key === 'email' ? q.where(sql`lower(email)`, '=', value.toLowerCase()) : q.where(PERSON_COLUMN[key], '=', value)
      return (await q.execute()).map((r) => r.id)
    },
    async unitExists (unitId) {
      return (await trx.selectFrom('units').select('id').where('organisation', '=', organisation).where('id', '=', unitId).where('removed_at', 'is', null).executeTakeFirst()) !== undefined
    },
    async insertPerson (person, assignmentId) {
      try {
        await trx.insertInto('people').values({ organisation, ...person, source: 'assignments', last_run: assignmentId }).execute()
        return true
      } catch (err) {
        if ((err as { code?: unknown }).code !== '23505') throw err
        return false
      }
    },
    async insert (a) {
      const row = await trx.insertInto('assignments').values({ ...a, granted_by: JSON.stringify(a.granted_by) }).returningAll().executeTakeFirstOrThrow()
      return stored(row)
    },
    async findForUpdate (id) {
      const row = await trx.selectFrom('assignments').selectAll().where('organisation', '=', organisation).where('id', '=', id).forUpdate().executeTakeFirst()
      return row ? stored(row) : undefined
    },
    async end (id, at, by, reason) {
      const row = await trx.updateTable('assignments').set({ ended_at: at, ended_by: JSON.stringify(by), end_reason: reason })
        .where('organisation', '=', organisation).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
      return stored(row)
    },
    async audit (event) { await appendAudit(trx, [event]) },
    owe: (personId, assignmentId) => outboxRepository(trx).add({ organisation, cause: { kind: 'assignment', assignment_id: assignmentId }, people: [personId], stage: 'recompute' })
  }
}

type Row = Omit<StoredAssignment, 'granted_by' | 'ended_by' | 'created_at' | 'ended_at'> & { granted_by: unknown, ended_by: unknown, created_at: Date | string, ended_at: Date | string | null }

function stored (row: Row): StoredAssignment {
  return {
    ...row,
    granted_by: jsonColumn<AuditActor>(row.granted_by),
    ended_by: row.ended_by === null ? null : jsonColumn<AuditActor>(row.ended_by),
    created_at: new Date(row.created_at),
    ended_at: row.ended_at === null ? null : new Date(row.ended_at)
  }
}
