import t from 'tap'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { createHrSource, csv, staff, upload } from '../helpers/sync.js'
import { METRICS_TOKEN, scrape } from './helpers/scrape.js'

// BullMQ on a real Redis, and no worker in this process: what is enqueued stays waiting.
const { app, createOrganisation } = await buildTestApp(await openTestStore(), {
  REDIS_URL: requireRedisUrl(),
  BEHORIG_QUEUE_NAME: uniqueTestId(),
  BEHORIG_RUN_JOBS: 'false',
  BEHORIG_METRICS_TOKEN: METRICS_TOKEN
})

t.test('the queue\'s depth is read from BullMQ at scrape time', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const before = await scrape(app)
  t.ok(before.value('behorig_job_queue_jobs', { state: 'delayed' }) >= 1, 'the schedules\' next runs wait as delayed jobs')

  const res = await upload(app, org, csv(staff(3)))
  t.equal(res.statusCode, 202)
  const after = await scrape(app)
  t.equal(after.value('behorig_job_queue_jobs', { state: 'waiting' }), before.value('behorig_job_queue_jobs', { state: 'waiting' }) + 1, 'the run\'s job waits for a worker')
  t.equal(after.value('behorig_job_queue_jobs', { state: 'active' }), 0)
  t.equal(after.value('behorig_jobs_stalled_total'), 0, 'no worker here, so none found stalled')
})

t.test('readiness reports the queue with the store and the keys', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/health/ready' })
  t.same(res.json(), { status: 'ok', checks: { store: 'ok', queue: 'ok', keys: 'ok' } })
})
