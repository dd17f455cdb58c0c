import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'

const ready = (app: Awaited<ReturnType<typeof buildTestApp>>['app']) => app.inject({ method: 'GET', url: '/health/ready' })

t.test('ready once the store answers and the signing keys are loaded', async (t) => {
  const { app } = await buildTestApp(await openTestStore())
  const res = await ready(app)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok', checks: { store: 'ok', keys: 'ok' } })
})

t.test('without an active signing key it is not ready, and says which key is missing', async (t) => {
  const store = await openTestStore()
  const { app } = await buildTestApp(store)
  await app.ready()
  await sql`delete from signing_keys`.execute(store.db)

  const noKeys = await ready(app)
  t.equal(noKeys.statusCode, 503)
  t.equal(noKeys.headers['retry-after'], '5')
  t.match(noKeys.json(), { type: problemType('service-unavailable'), failing: ['keys'], reasons: { keys: /no active token-signing key/ }, detail: /keys \(no active token-signing key/ })

  await app.behorig.tokenServices.keys.rotate()
  t.match((await ready(app)).json(), { failing: ['keys'], reasons: { keys: /no active federation-signing key/ } }, 'the federation keys are checked too')

  await app.behorig.tokenServices.federationKeys.rotate()
  const again = await ready(app)
  t.equal(again.statusCode, 200)
  t.same(again.json().checks, { store: 'ok', keys: 'ok' })
})

t.test('keys that do not open with this process\'s key-encryption key are not ready either', async (t) => {
  const store = await openTestStore()
  await (await buildTestApp(store)).app.ready()
  const otherKek = Buffer.alloc(32, 9).toString('base64url')
  const { app } = await buildTestApp(store, { BEHORIG_KEY_ENCRYPTION_KEY: otherKek })
  const res = await ready(app)
  t.equal(res.statusCode, 503)
  t.match(res.json(), { failing: ['keys'], reasons: { keys: /does not open with this process's key-encryption key/ } })
})
