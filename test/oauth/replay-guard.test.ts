import t from 'tap'
import { randomUUID } from 'node:crypto'
import { openTestStore } from '../helpers/app.js'
import { requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { redisReplayGuard, type ReplayGuard } from '../../src/oauth/replay-guard.js'
import { storeReplayGuard } from '../../src/oauth/repository.js'

const store = await openTestStore()
const redis = redisReplayGuard(requireRedisUrl(), uniqueTestId())
t.teardown(() => redis.close())

const guards: Array<[string, ReplayGuard]> = [['the store', storeReplayGuard(store.db)], ['Redis', redis]]

for (const [where, guard] of guards) {
  t.test(`${where} accepts a jti once until it expires`, async (t) => {
    const jti = randomUUID()
    t.equal(await guard.firstUse('fk', jti, 1200), true)
    t.equal(await guard.firstUse('fk', jti, 1200), false, 'a replay is refused')
    t.equal(await guard.firstUse('csn', jti, 1200), true, 'jtis are per client')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    t.equal(await guard.firstUse('fk', jti, 60_000), true, 'forgotten once the assertion it came with can no longer be accepted')
    t.equal(await guard.firstUse('fk', jti, 60_000), false)
  })
}

t.test('the store guard sweeps expired entries', async (t) => {
  const guard = storeReplayGuard(store.db)
  await store.db.insertInto('client_assertion_jtis').values({ client_id: 'old', jti: 'stale', expires_at: new Date(Date.now() - 60_000) }).execute()
  for (let i = 0; i < 256; i++) await guard.firstUse('sweep', randomUUID(), 60_000)
  const stale = await store.db.selectFrom('client_assertion_jtis').selectAll().where('client_id', '=', 'old').execute()
  t.same(stale, [])
})
