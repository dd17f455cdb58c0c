import t, { type Test } from 'tap'
import { buildTestApp, openTestStore, type TestApp } from '../helpers/app.js'
import { requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { ATTRIBUTE_DAY_TICK_JOB } from '../../src/mapping/day-run.js'
import { heldBy, type Job } from './helpers/mapping-app.js'
import { ISSUER, JOBS, seededOrganisation, snapshotWithPin } from '../tokens/helpers/token-app.js'
import type { Store } from '../../src/store/open-store.js'

// 1004's fixed-term employment ends on 1 June.
const DATED: Job[] = [...JOBS, { employee_number: '1004', unit_id: 'soc-eb-norr', employment_type: 'visstid', start_date: '2025-01-01', end_date: '2025-06-01' }]
const june = (day: number): Date => new Date(`2025-06-${String(day).padStart(2, '0')}T08:00:00Z`)

async function dayRunDone (store: Store, org: string, day: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const row = await store.db.selectFrom('attribute_day_runs').select('run_on').where('organisation', '=', org).where('day', '=', day).executeTakeFirst()
    if (row) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no day run of ${day} for ${org}`)
}

async function scheduledHourly (t: Test, test: TestApp): Promise<void> {
  const next = await test.app.behorig.queue.nextRun(ATTRIBUTE_DAY_TICK_JOB)
  t.ok(next, 'the tick is scheduled')
  t.equal(next?.getMinutes(), 5, 'at five past the hour')
}

for (const queue of ['in-process', 'bullmq'] as const) {
  t.test(`with the ${queue} queue, the tick runs each organisation's day, and an app started after downtime catches up`, async (t) => {
    const env: Record<string, string> = { BEHORIG_ISSUER: ISSUER, BEHORIG_DAY_RUN_CRON: '5 * * * *', ...(queue === 'bullmq' ? { REDIS_URL: requireRedisUrl(), BEHORIG_QUEUE_NAME: uniqueTestId() } : {}) }
    const store = await openTestStore()
    const clock = { now: june(1) }
    const first = await buildTestApp(store, env, { now: () => clock.now })
    const org = await seededOrganisation(first, 'Exempelkommun', snapshotWithPin(DATED))
    t.equal(first.app.behorig.queue.kind, queue)
    await scheduledHourly(t, first)
    t.same(await first.app.behorig.dayRuns.tick(), [org], 'the tick finds the organisation\'s day due')
    await dayRunDone(store, org, '2025-06-01')
    t.same(await first.app.behorig.dayRuns.tick(), [], 'and then done')
    t.same(await heldBy(first.app, org, '1004'), ['socialtjanst.eb.handlaggare@soc-eb-norr'])
    await first.app.close()

    // Down for two days: the next app's start-up tick covers them.
    clock.now = june(3)
    const second = await buildTestApp(store, env, { now: () => clock.now })
    await second.app.ready()
    await dayRunDone(store, org, '2025-06-03')
    const days = await store.db.selectFrom('attribute_day_runs').select(['day', 'run_on']).where('organisation', '=', org).orderBy('day').execute()
    t.same(days, [{ day: '2025-06-01', run_on: '2025-06-01' }, { day: '2025-06-02', run_on: '2025-06-03' }, { day: '2025-06-03', run_on: '2025-06-03' }])
    t.same(await heldBy(second.app, org, '1004'), [], 'the employment that ended while it was down no longer grants')
    await second.app.close()
  })
}
