import t from 'tap'
import { sql } from 'kysely'
import { RootHandleInTransaction } from '../../src/store/transaction-guard.js'
import { withTenant } from '../../src/store/tenant-scope.js'
import { openTestStore, type StoreKind } from '../helpers/app.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'

// On the embedded store a root-handle query inside a transaction would wait for ever for
// the one connection; on PostgreSQL it would escape the transaction and the tenant's
// row-level security. Both stores refuse it at once.
for (const kind of ['pglite', 'postgres'] as StoreKind[]) {
  t.test(`${kind} store`, async (t) => {
    const { db } = await openTestStore(kind)
    const one = (): Promise<unknown> => sql`select 1`.execute(db)

    t.test('refuses a root-handle query inside a transaction, and the transaction with it', async (t) => {
      const number = randomOrganisationNumber()
      await t.rejects(db.transaction().execute(async (trx) => {
        await trx.insertInto('organisations').values({ number, name: 'Rotkommun', kind: 'municipality', municipality_code: null }).execute()
        await db.selectFrom('organisations').select('number').execute()
      }), RootHandleInTransaction)
      t.equal(await db.selectFrom('organisations').select('number').where('number', '=', number).executeTakeFirst(), undefined, 'rolled back')
    })

    t.test('refuses the root handle inside a tenant transaction, and a transaction within a transaction', async (t) => {
      await t.rejects(withTenant(db, randomOrganisationNumber(), async () => { await one() }), RootHandleInTransaction)
      await t.rejects(db.transaction().setIsolationLevel('repeatable read').execute(() => db.transaction().execute(async () => {})), RootHandleInTransaction)
    })

    t.test('lets separate transactions run side by side, and the root handle after a transaction', async (t) => {
      const both = await Promise.all([0, 1].map((n) => db.transaction().execute(async (trx) => (await sql<{ n: number }>`select ${n}::int as n`.execute(trx)).rows[0]?.n)))
      t.same(both, [0, 1])
      let committed = (): void => {}
      const done = new Promise<void>((resolve) => { committed = resolve })
      let later: Promise<unknown> | undefined
      await db.transaction().execute(async () => { later = done.then(one) })
      committed()
      await t.resolves(later!, 'work a transaction started runs on the root handle once it has ended')
    })
  })
}
