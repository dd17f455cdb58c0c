import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { jsonColumn } from '../store/json-column.js'

type Db = Kysely<Database> | Transaction<Database>

/**
 * Why people are recomputed: `sync`, a sync run's change set; `assignment`, an assignment
 * made or ended; `publish`, a mapping version published (recomputed in the publish's own
 * transaction, so its row starts at revoke); `day`, the day job; `recompute`, by hand.
 */
export type ChangeCause =
  | { kind: 'sync', run_id: string }
  | { kind: 'assignment', assignment_id: string }
  | { kind: 'publish', version: number }
  | { kind: 'day', day: string }
  | { kind: 'recompute' }

export type ChangeStage = 'recompute' | 'revoke'

/** One row of change_outbox (migration 0024 says what each column means). */
export interface OutboxChange {
  id: string
  organisation: string
  cause: ChangeCause
  /** The people to recompute; null: a sync run's change set. */
  people: string[] | null
  stage: ChangeStage
  /** What the recompute took away, still to be revoked: the mapping capability's AttributesRevoked[]. */
  revocations: unknown[]
  attempts: number
}

export interface NewChange {
  organisation: string
  cause: ChangeCause
  people?: readonly string[] | null
  stage: ChangeStage
  revocations?: readonly unknown[]
}

/**
 * This process: the owner of the leases it takes. A process that dies lets its leases
 * lapse; one that lives works on what it committed at once, so others need not.
 */
const PROCESS = randomUUID()

/** How long the process that committed a change has it to itself before others may take it. */
export const COMMIT_LEASE_MS = 5_000
/** How long a revocation claim holds off other workers; revoking is idempotent, so a lapsed one is only done twice. */
export const REVOKE_LEASE_MS = 60_000

const COLUMNS = ['id', 'organisation', 'cause', 'people', 'stage', 'revocations', 'attempts'] as const

/** The change outbox: see migration 0024. Rows are claimed so no two workers do the same stage of a change at once. */
export function outboxRepository (db: Db) {
  const leaseFor = (ms: number) => sql<Date>`now() + make_interval(secs => ${ms / 1000})`
  const notLeasedByOthers = sql<boolean>`(claimed_until is null or claimed_until < now() or claimed_by = ${PROCESS})`

  return {
    /** Records a change in the caller's transaction, leased to this process, which works on it after the commit. */
    async add (change: NewChange): Promise<string> {
      const row = await db.insertInto('change_outbox').values({
        organisation: change.organisation,
        cause: JSON.stringify(change.cause),
        people: change.people ? JSON.stringify(change.people) : null,
        stage: change.stage,
        revocations: JSON.stringify(change.revocations ?? []),
        claimed_by: PROCESS,
        claimed_until: leaseFor(COMMIT_LEASE_MS)
      }).returning('id').executeTakeFirstOrThrow()
      return String(row.id)
    },

    /**
     * Locks a change still to be recomputed, for the caller's transaction: the given one
     * (waiting for a transaction that holds it), or else the oldest due that no live lease
     * or other transaction holds. Undefined when there is none.
     */
    async lockForRecompute (id?: string): Promise<OutboxChange | undefined> {
      let query = db.selectFrom('change_outbox').select([...COLUMNS]).where('stage', '=', 'recompute')
      query = id !== undefined
        ? query.where('id', '=', id).where(notLeasedByOthers)
        : query.where('available_at', '<=', sql<Date>`now()`).where(notLeasedByOthers).orderBy('id').limit(1)
      const row = await (id !== undefined ? query.forUpdate() : query.forUpdate().skipLocked()).executeTakeFirst()
      return row ? changeOf(row) : undefined
    },

    /** After its recompute, in the same transaction: the change's revocations, still leased to this process. */
    async recomputed (id: string, revocations: readonly unknown[]): Promise<void> {
      await db.updateTable('change_outbox').set({
        stage: 'revoke', revocations: JSON.stringify(revocations), attempts: 0, last_error: null, available_at: sql<Date>`now()`, claimed_by: PROCESS, claimed_until: leaseFor(COMMIT_LEASE_MS)
      }).where('id', '=', id).execute()
    },

    /**
     * Claims a change whose revocations are still to be done (the given one, or the oldest
     * due) with a lease; undefined when there is none or another live lease holds it.
     */
    async claimForRevoke (id?: string): Promise<OutboxChange | undefined> {
      const row = await db.updateTable('change_outbox')
        .set({ claimed_by: PROCESS, claimed_until: leaseFor(REVOKE_LEASE_MS) })
        .where('id', '=', (eb) => {
          let pick = eb.selectFrom('change_outbox').select('id').where('stage', '=', 'revoke').where(notLeasedByOthers).where('available_at', '<=', sql<Date>`now()`)
          pick = id !== undefined ? pick.where('id', '=', id) : pick.orderBy('id')
          return pick.limit(1).forUpdate().skipLocked()
        })
        .returning([...COLUMNS]).executeTakeFirst()
      return row ? changeOf(row) : undefined
    },

    /** The change is fully propagated. */
    async done (id: string): Promise<void> {
      await db.deleteFrom('change_outbox').where('id', '=', id).execute()
    },

    /** An attempt failed: tried again after `retryInMs`, by any worker. */
    async failed (id: string, error: string, retryInMs: number): Promise<void> {
      await db.updateTable('change_outbox').set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: error.slice(0, 1000),
        available_at: leaseFor(retryInMs),
        claimed_by: null,
        claimed_until: null
      })).where('id', '=', id).execute()
    },

    /** Whether the change is still owed. */
    async has (id: string): Promise<boolean> {
      return (await db.selectFrom('change_outbox').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
    },

    /**
     * Milliseconds until the next change may be taken (0: now), leaving out those a
     * transaction is recomputing right now; undefined when there is none.
     */
    async nextDueInMs (): Promise<number | undefined> {
      const row = await db.selectFrom((eb) => eb.selectFrom('change_outbox')
        .select(sql<Date>`greatest(available_at, coalesce(claimed_until, available_at))`.as('due'))
        .forUpdate().skipLocked().as('free'))
        .select(sql<number | null>`extract(epoch from min(due) - now()) * 1000`.as('ms'))
        .executeTakeFirst()
      const ms = row?.ms
      return ms === null || ms === undefined ? undefined : Math.max(0, Math.ceil(Number(ms)))
    },

    /** How many changes wait, and the oldest's age in seconds (for operators). */
    async backlog (): Promise<{ pending: number, oldest_seconds: number | null, failing: number }> {
      const row = await db.selectFrom('change_outbox').select([
        sql<number>`count(*)::int`.as('pending'),
        sql<number | null>`extract(epoch from now() - min(created_at))`.as('oldest'),
        sql<number>`count(*) filter (where attempts > 0)::int`.as('failing')
      ]).executeTakeFirstOrThrow()
      return { pending: Number(row.pending), oldest_seconds: row.oldest === null ? null : Math.floor(Number(row.oldest)), failing: Number(row.failing) }
    }
  }
}

export type OutboxRepository = ReturnType<typeof outboxRepository>

function changeOf (row: { id: string | number, organisation: string, cause: unknown, people: unknown, stage: string, revocations: unknown, attempts: number }): OutboxChange {
  return {
    id: String(row.id),
    organisation: row.organisation,
    cause: jsonColumn<ChangeCause>(row.cause),
    people: row.people === null ? null : jsonColumn<string[]>(row.people),
    stage: row.stage as ChangeStage,
    revocations: jsonColumn<unknown[]>(row.revocations),
    attempts: row.attempts
  }
}
