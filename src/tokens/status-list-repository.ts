import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database-types.js'

export interface ReservedIndices { listId: number, from: number, to: number }

export interface StoredStatusList { id: number, size: number, allocated: number, bits: Buffer }

export interface StatusListRepository {
  /** Reserves up to `count` never-used indices in the open list (opening a new list of `size` when none has room). */
  reserve (count: number, size: number): Promise<ReservedIndices>
  /** Sets one status bit; false when the list does not exist or the index was never handed out. */
  setStatus (listId: number, index: number, status: 0 | 1): Promise<boolean>
  find (listId: number): Promise<StoredStatusList | undefined>
  /** Indices reserved, and indices held, over all lists (the metrics). */
  usage (): Promise<{ allocated: number, capacity: number }>
}

export function statusListRepository (db: Kysely<Database>): StatusListRepository {
  return {
    async reserve (count, size) {
      return db.transaction().execute(async (trx) => {
        // The row lock serialises processes taking indices from one list; a waiter re-reads
        // `allocated` after the lock and skips a list that filled meanwhile.
        const open = await trx.selectFrom('status_lists').select(['id', 'size', 'allocated'])
          .where(sql<boolean>`allocated < size`).orderBy('id').limit(1).forUpdate().executeTakeFirst()
        const list = open ?? await trx.insertInto('status_lists')
          .values({ size, bits: Buffer.alloc(size / 8) })
          .returning(['id', 'size', 'allocated']).executeTakeFirstOrThrow()
        const taken = Math.min(count, list.size - list.allocated)
        await trx.updateTable('status_lists').set({ allocated: list.allocated + taken }).where('id', '=', list.id).execute()
        return { listId: list.id, from: list.allocated, to: list.allocated + taken }
      })
    },
    async setStatus (listId, index, status) {
      // PostgreSQL numbers bytea bits as the draft does: bit 0 is the least significant bit of byte 0.
      const result = await db.updateTable('status_lists')
        .set({ bits: sql`set_bit(bits, ${index}, ${status})`, updated_at: new Date() })
        .where('id', '=', listId).where('allocated', '>', index)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },
    async find (listId) {
      const row = await db.selectFrom('status_lists').select(['id', 'size', 'allocated', 'bits']).where('id', '=', listId).executeTakeFirst()
      return row ? { ...row, bits: Buffer.from(row.bits) } : undefined
    },
    async usage () {
      const row = await db.selectFrom('status_lists').select([
        sql<number>`coalesce(sum(allocated), 0)::bigint`.as('allocated'),
        sql<number>`coalesce(sum(size), 0)::bigint`.as('capacity')
      ]).executeTakeFirstOrThrow()
      return { allocated: Number(row.allocated), capacity: Number(row.capacity) }
    }
  }
}
