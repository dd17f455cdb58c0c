import t from 'tap'
import { sql } from 'kysely'
import { isStoreUnavailable } from '../../src/store/store-unavailable.js'
import { adminHeaders, buildTestApp } from '../helpers/app.js'
import { openStore } from '../../src/store/open-store.js'
import { throwawayPostgres } from '../helpers/throwaway-postgres.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest } from '../helpers/relying-party.js'
import { problemType } from '../helpers/problem-type.js'

const cluster = await throwawayPostgres()
t.teardown(() => { cluster.remove() })
const store = await openStore({ url: cluster.url, embeddedDir: '', poolSize: 3 })
t.teardown(() => store.close())
// An issuer other than the store's address, so "no internals" can look for that address anywhere in a body.
const issuer = 'https://behorig.test'
const { app, createOrganisation } = await buildTestApp(store, { BEHORIG_ISSUER: issuer })

t.test('with PostgreSQL stopped: 503 with Retry-After everywhere, and service again once it is back', async (t) => {
  const org = await createOrganisation()
  const key = await clientKey()
  await registerRelyingParty(app, 'outage-client', relyingPartyDocument([key]))
  const readOrg = () => app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: adminHeaders })
  t.equal((await readOrg()).statusCode, 200)

  cluster.stop()

  const down = await readOrg()
  t.equal(down.statusCode, 503, down.body)
  t.equal(down.headers['retry-after'], '5')
  t.equal(down.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(down.json(), { type: problemType('store-unavailable', issuer), status: 503 })
  t.notMatch(down.body, /ECONNREFUSED|127\.0\.0\.1|terminat/, 'no internals')

  const token = await tokenRequest(app, await clientAssertion(key, 'outage-client', issuer))
  t.equal(token.statusCode, 503, token.body)
  t.equal(token.headers['retry-after'], '5')
  t.match(token.json(), { error: 'temporarily_unavailable' })

  const scim = await app.inject({ method: 'GET', url: `/scim/v2/${org}/Users`, headers: adminHeaders })
  t.equal(scim.statusCode, 503, scim.body)
  t.equal(scim.headers['retry-after'], '5')
  t.match(scim.json(), { status: '503' })

  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.headers['retry-after'], '5')
  t.match(ready.json(), { type: problemType('service-unavailable', issuer), failing: ['store'] })

  cluster.start()

  t.equal((await readOrg()).statusCode, 200, 'the pool reconnects')
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  t.equal((await tokenRequest(app, await clientAssertion(key, 'outage-client', issuer))).statusCode, 200)
})

t.test('a connection that dies while a transaction holds it fails that transaction, not the process', async (t) => {
  const outcome = await store.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx)
    cluster.stop()
    return sql`select 1`.execute(trx)
  }).then(() => 'committed', (err: unknown) => err)
  t.ok(isStoreUnavailable(outcome), `the transaction fails as the store being unavailable: ${String(outcome)}`)
  cluster.start()
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
})
