import t from 'tap'
import { sql } from 'kysely'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { clientKey, relyingPartyDocument } from '../helpers/relying-party.js'
import { createHrSource, csv, staff, upload } from '../helpers/sync.js'

// An audit log that refuses some appends: every event whose details mention a marker
// listed in audit_test_failures. A change whose event is refused must not happen at all.
const store = await openTestStore()
await sql`create table audit_test_failures (marker text primary key)`.execute(store.db)
await sql`create function audit_test_refuse() returns trigger language plpgsql as $$
  begin
    if exists (select 1 from audit_test_failures f where new.details::text like '%' || f.marker || '%') then
      raise exception 'audit log unavailable';
    end if;
    return new;
  end $$`.execute(store.db)
await sql`grant select on audit_test_failures to behorig_tenant`.execute(store.db)
await sql`create trigger audit_test_refuse before insert on audit_events for each row execute function audit_test_refuse()`.execute(store.db)
const { app, createOrganisation } = await buildTestApp(store)

const MARKER = 'audit-unavailable'
await sql`insert into audit_test_failures (marker) values (${MARKER})`.execute(store.db)

t.test('an organisation whose event cannot be appended is not created', async (t) => {
  const org = randomOrganisationNumber()
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: MARKER, kind: 'municipality' } })
  t.equal(res.statusCode, 500)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: adminHeaders })).statusCode, 404)
})

t.test('nor an API key, nor a source', async (t) => {
  const org = await createOrganisation()
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes: ['sources:read'], name: MARKER } })).statusCode, 500)
  t.same((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders })).json().items, [])
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: MARKER, kind: 'hr' } })).statusCode, 500)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sources/${MARKER}`, headers: adminHeaders })).statusCode, 404)
})

t.test('nor a relying party', async (t) => {
  const res = await app.inject({ method: 'PUT', url: '/v1/relying-parties/atomic-rp', headers: adminHeaders, payload: relyingPartyDocument([await clientKey()], { name: MARKER }) })
  t.equal(res.statusCode, 500)
  t.equal((await app.inject({ method: 'GET', url: '/v1/relying-parties/atomic-rp', headers: adminHeaders })).statusCode, 404)
})

t.test('nor a sync run', async (t) => {
  const org = await createOrganisation()
  const source = `hr-${MARKER}`
  await sql`delete from audit_test_failures`.execute(store.db)
  await createHrSource(app, org, source)
  await sql`insert into audit_test_failures (marker) values (${MARKER})`.execute(store.db)
  t.equal((await upload(app, org, csv(staff(2)), 'text/csv', source)).statusCode, 500)
  const runs = await store.db.selectFrom('sync_runs').select('id').where('organisation', '=', org).execute()
  t.same(runs, [], 'no run without its started event')
})
