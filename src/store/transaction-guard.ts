import { AsyncLocalStorage } from 'node:async_hooks'
import { Kysely, type DatabaseConnection, type Dialect, type DialectAdapter, type Driver, type Transaction, type TransactionBuilder } from 'kysely'

/**
 * Thrown when code running inside a transaction queries through the store's root handle
 * instead of the transaction's. On the embedded store (one connection) such a query would
 * wait for the transaction that waits for it, for ever; on PostgreSQL it would run on
 * another connection, outside the transaction and its tenant's row-level security.
 */
export class RootHandleInTransaction extends Error {
  constructor () {
    super('The store\'s root handle was used inside one of its transactions; query through the transaction handle instead')
    this.name = 'RootHandleInTransaction'
  }
}

interface OpenTransaction { open: boolean, connected: boolean }

/**
 * Kysely on `dialect`, refusing the root handle within the call chain of one of its own
 * transactions: the transaction takes the one connection it is given, and any further
 * connection asked for from inside it (a root query, a second transaction) throws
 * RootHandleInTransaction. Work a transaction starts but does not await is refused the
 * same way while the transaction lasts; after it, nothing is refused.
 */
export function guardedKysely<DB> (dialect: Dialect): Kysely<DB> {
  const current = new AsyncLocalStorage<OpenTransaction>()

  function takeConnection (): void {
    const trx = current.getStore()
    if (trx?.open !== true) return
    if (trx.connected) throw new RootHandleInTransaction()
    trx.connected = true
  }

  async function inTransaction<T> (execute: () => Promise<T>): Promise<T> {
    if (current.getStore()?.open === true) throw new RootHandleInTransaction()
    const trx: OpenTransaction = { open: true, connected: false }
    try {
      return await current.run(trx, execute)
    } finally {
      trx.open = false
    }
  }

  function guardedBuilder (builder: TransactionBuilder<DB>): TransactionBuilder<DB> {
    return new Proxy(builder, {
      get (target, property) {
        if (property === 'execute') return <T>(callback: (trx: Transaction<DB>) => Promise<T>) => inTransaction(() => target.execute(callback))
        if (property === 'setIsolationLevel') return (...args: Parameters<TransactionBuilder<DB>['setIsolationLevel']>) => guardedBuilder(target.setIsolationLevel(...args))
        if (property === 'setAccessMode') return (...args: Parameters<TransactionBuilder<DB>['setAccessMode']>) => guardedBuilder(target.setAccessMode(...args))
        return Reflect.get(target, property, target) as unknown
      }
    })
  }

  // Kysely serialises a single-connection dialect (PGlite) with a lock taken before the
  // driver is asked for the connection, so a root query inside a transaction would wait
  // on that lock before the guard saw it. The lock is taken here instead, after the guard.
  const single = !dialect.createAdapter().supportsMultipleConnections
  const guardedDialect: Dialect = {
    createAdapter: () => single ? claimingMultipleConnections(dialect.createAdapter()) : dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => guardedDriver(dialect.createDriver(), takeConnection, single ? connectionLock() : undefined)
  }

  class GuardedKysely extends Kysely<DB> {
    override transaction (): TransactionBuilder<DB> {
      return guardedBuilder(super.transaction())
    }
  }
  return new GuardedKysely({ dialect: guardedDialect })
}

interface ConnectionLock { obtain (): Promise<void>, release (): void }

/** One holder at a time, in turn. */
function connectionLock (): ConnectionLock {
  let held: Promise<void> | undefined
  let release: (() => void) | undefined
  return {
    async obtain () {
      // eslint-disable-next-line no-unmodified-loop-condition -- release() clears `held` while this waits
      while (held) await held
      held = new Promise((resolve) => { release = resolve })
    },
    release () {
      const resolve = release
      held = undefined
      release = undefined
      resolve?.()
    }
  }
}

function claimingMultipleConnections (adapter: DialectAdapter): DialectAdapter {
  return new Proxy(adapter, {
    get (target, property) {
      if (property === 'supportsMultipleConnections') return true
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

function guardedDriver (driver: Driver, takeConnection: () => void, lock: ConnectionLock | undefined): Driver {
  return new Proxy(driver, {
    get (target, property) {
      if (property === 'acquireConnection') {
        return async (...args: Parameters<Driver['acquireConnection']>): Promise<DatabaseConnection> => {
          takeConnection()
          if (!lock) return target.acquireConnection(...args)
          await lock.obtain()
          try {
            return await target.acquireConnection(...args)
          } catch (err) {
            lock.release()
            throw err
          }
        }
      }
      if (property === 'releaseConnection' && lock) {
        return async (...args: Parameters<Driver['releaseConnection']>): Promise<void> => {
          try {
            await target.releaseConnection(...args)
          } finally {
            lock.release()
          }
        }
      }
      const value = Reflect.get(target, property, target) as unknown
      // Drivers keep their state in private fields: their methods must run on the driver itself.
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
