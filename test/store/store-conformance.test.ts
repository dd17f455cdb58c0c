import t from 'tap'
import { sql } from 'kysely'
import { openStore } from '../../src/store/open-store.js'
import { loadMigrations, migrate } from '../../src/store/migrate.js'
import { organisationRepository } from '../../src/organisations/repository.js'
import { withTenant } from '../../src/store/tenant-scope.js'
import { openTestStore, type StoreKind } from '../helpers/app.js'
import { freshDatabaseUrl } from '../helpers/services.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'

// The same migrations and queries must behave the same on the embedded default and on a
// real PostgreSQL server: this suite runs once per store.
for (const kind of ['pglite', 'postgres'] as StoreKind[]) {
  t.test(`${kind} store`, async (t) => {
    const store = await openTestStore(kind)

    t.test('applies every migration once, and again finds nothing to do', async (t) => {
      const applied = await store.db.selectFrom('schema_migrations').select('id').orderBy('id').execute()
      t.same(applied.map((r) => r.id), loadMigrations().map((m) => m.id))
      t.same(await migrate(store), [])
    })

    t.test('keeps dates as strings and bigints as numbers', async (t) => {
      const row = await sql<{ d: unknown, n: unknown }>`select date '2025-07-01' as d, 9007199254740991::int8 as n`.execute(store.db)
      t.same(row.rows[0], { d: '2025-07-01', n: 9007199254740991 })
    })

    t.test('rolls a failed transaction back whole', async (t) => {
      const number = randomOrganisationNumber()
      await t.rejects(store.db.transaction().execute(async (trx) => {
        await trx.insertInto('organisations').values({ number, name: 'Halvkommun', kind: 'municipality', municipality_code: null }).execute()
        await trx.insertInto('organisations').values({ number, name: 'Dubblett', kind: 'municipality', municipality_code: null }).execute()
      }))
      t.equal(await organisationRepository(store.db).find(number), undefined)
    })

    t.test('organisation queries behave identically', async (t) => {
      const repo = organisationRepository(store.db)
      const number = randomOrganisationNumber()
      t.equal((await repo.upsert(number, { name: 'A', kind: 'region' })).created, true)
      t.equal((await repo.upsert(number, { name: 'B', kind: 'region' })).created, false)
      t.match(await repo.find(number), { number, name: 'B', kind: 'region', municipality_code: null })
      const rows = await repo.list({ after: undefined, limit: 1000 })
      t.ok(rows.some((o) => o.number === number))
    })

    t.test('row-level security shows a tenant only its own organisation, and fails closed', async (t) => {
      const [a, b] = [randomOrganisationNumber(), randomOrganisationNumber()]
      const repo = organisationRepository(store.db)
      for (const org of [a, b]) {
        await repo.upsert(org, { name: org, kind: 'municipality' })
        await store.db.insertInto('people').values({ organisation: org, id: `p-${org}`, service_id: `ts-${org}`, employee_number: '1', given_name: null, family_name: null, email: null, pin_sealed: null, pin_lookup: null, source: 'hr', last_run: 'run_x' }).execute()
      }
      // No `where organisation = …` on purpose: the policy alone must keep b out.
      const seen = await withTenant(store.db, a, (trx) => trx.selectFrom('people').select('organisation').execute())
      t.same([...new Set(seen.map((r) => r.organisation))], [a])
      const orgs = await withTenant(store.db, a, (trx) => trx.selectFrom('organisations').select('number').execute())
      t.same(orgs.map((o) => o.number), [a])
      await t.rejects(withTenant(store.db, a, (trx) => trx.insertInto('people').values({ organisation: b, id: 'p-intruder', service_id: 'ts-intruder', employee_number: '2', given_name: null, family_name: null, email: null, pin_sealed: null, pin_lookup: null, source: 'hr', last_run: 'run_x' }).execute()), 'cannot write into another organisation')
      const updated = await withTenant(store.db, a, (trx) => trx.updateTable('people').set({ given_name: 'X' }).where('organisation', '=', b).executeTakeFirst())
      t.equal(Number(updated.numUpdatedRows), 0, 'cannot change another organisation')
      const unscoped = await store.db.transaction().execute(async (trx) => {
        await sql`set local role behorig_tenant`.execute(trx)
        return trx.selectFrom('people').selectAll().execute()
      })
      t.same(unscoped, [], 'without an organisation set, the tenant role reads nothing at all')
    })

    t.test('every table with an organisation column is under row-level security with a policy', async (t) => {
      const rows = await sql<{ table: string, secured: boolean, policies: number }>`
        select c.relname as table, c.relrowsecurity as secured,
          (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind = 'r'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'organisation' and not a.attisdropped)
        order by 1`.execute(store.db)
      t.ok(rows.rows.length >= 10, `found the organisation tables (${rows.rows.length})`)
      t.same(rows.rows.filter((r) => !r.secured || r.policies === 0).map((r) => r.table), [], 'none is left open to the tenant role')
    })

    t.test('refuses rows that break table constraints', async (t) => {
      await t.rejects(store.db.insertInto('organisations').values({ number: '123', name: 'X', kind: 'municipality', municipality_code: null }).execute())
      await t.rejects(store.db.insertInto('organisations').values({ number: randomOrganisationNumber(), name: 'X', kind: 'kommun', municipality_code: null }).execute())
    })
  })
}

t.test('two processes migrating one empty PostgreSQL database at once apply each migration once', async (t) => {
  const database = await freshDatabaseUrl()
  t.teardown(() => database.drop())
  const options = { url: database.url, embeddedDir: '', poolSize: 2 }
  const stores = await Promise.all([openStore(options), openStore(options), openStore(options)])
  t.teardown(() => Promise.all(stores.map((s) => s.close())))
  const rows = await stores[0]!.db.selectFrom('schema_migrations').select('id').execute()
  t.equal(rows.length, loadMigrations().length)
})

t.test('the embedded store keeps its data across a restart', async (t) => {
  const dir = t.testdir()
  const number = randomOrganisationNumber()
  const first = await openStore({ url: undefined, embeddedDir: dir, poolSize: 1 })
  await organisationRepository(first.db).upsert(number, { name: 'Beständig kommun', kind: 'municipality' })
  await first.close()
  const second = await openStore({ url: undefined, embeddedDir: dir, poolSize: 1 })
  t.teardown(() => second.close())
  t.match(await organisationRepository(second.db).find(number), { name: 'Beständig kommun' })
})
