import type { PGlite, Transaction } from '@electric-sql/pglite'

/** Write-ahead log allowed to pile up between checkpoints. */
const WAL_BUDGET_BYTES = 64 * 1024 * 1024
/** How often, at most, a statement is followed by a look at the log's length. */
const CHECK_EVERY_MS = 1000

/** Also given to PGlite at start: the log a checkpoint keeps for reuse stays this small. */
export const PGLITE_WAL_SETTINGS = ['-c', 'max_wal_size=64MB', '-c', 'min_wal_size=32MB']

type Query = (query: string) => Promise<unknown>

/**
 * PGlite runs PostgreSQL in single-user mode, where no checkpointer runs and the backend
 * checkpoints only when told to: its write-ahead log grows without bound, in memory for a
 * `memory://` store (830 MB after five rewrites of 100 000 rows; with a checkpoint after
 * each, 64 MB). This wraps the instance Kysely uses so that a statement is followed, at
 * most once a second, by a look at how far the log has grown since the last checkpoint,
 * and by a checkpoint past the budget — inside a transaction too, which a checkpoint does
 * not need to wait for.
 */
export function checkpointingPglite (pglite: PGlite): PGlite {
  let lastCheck = 0
  const afterStatement = async (run: Query): Promise<void> => {
    const now = Date.now()
    if (now - lastCheck < CHECK_EVERY_MS) return
    lastCheck = now
    try {
      const behind = await run(`select pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::float8 > ${WAL_BUDGET_BYTES} as due from pg_control_checkpoint()`) as { rows: Array<{ due: boolean }> }
      if (behind.rows[0]?.due) await run('checkpoint')
    } catch {
      // Housekeeping only: the statement's own result or error is what the caller gets.
    }
  }
  const checked = <T extends PGlite | Transaction>(target: T): T => new Proxy(target, {
    get (object, property) {
      if (property === 'query') {
        return async (...args: Parameters<T['query']>) => {
          const result = await (object.query as (...a: unknown[]) => Promise<unknown>)(...args)
          await afterStatement((q) => object.query(q))
          return result
        }
      }
      if (property === 'transaction' && 'transaction' in object) {
        return <R>(fn: (tx: Transaction) => Promise<R>) => object.transaction((tx) => fn(checked(tx)))
      }
      // PGlite keeps its state in private fields: getters and methods run on the instance itself.
      const value: unknown = Reflect.get(object, property, object)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value
    }
  })
  return checked(pglite)
}
