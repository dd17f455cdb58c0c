import t from 'tap'
import pg from 'pg'
import { adminHeaders, buildTestApp } from '../helpers/app.js'
import { freshDatabaseUrl, requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { openStore } from '../../src/store/open-store.js'
import { createHrSource, csv, importAndWait, staff, upload, waitForRun } from '../helpers/sync.js'
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js'

// The API only enqueues (BEHORIG_RUN_JOBS=false); separate worker processes, the
// production entry point, do the work through BullMQ on a real Redis.
const database = await freshDatabaseUrl()
const store = await openStore({ url: database.url, embeddedDir: '', poolSize: 5 })
t.teardown(async () => { await store.close(); await database.drop() })
const env = { DATABASE_URL: database.url, REDIS_URL: requireRedisUrl(), BEHORIG_QUEUE_NAME: uniqueTestId() }
const { app, createOrganisation } = await buildTestApp(store, { ...env, BEHORIG_RUN_JOBS: 'false' })

const workers: WorkerProcess[] = []
t.teardown(async () => { for (const w of workers) w.child.kill('SIGKILL'); await Promise.all(workers.map((w) => w.exited)) })
async function worker (): Promise<WorkerProcess> {
  const w = startWorker(env)
  workers.push(w)
  await w.ready
  return w
}

t.test('the API reports the queue in readiness', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/health/ready' })
  t.same(res.json().checks, { store: 'ok', queue: 'ok', keys: 'ok' })
})

t.test('two workers never run the same run twice', async (t) => {
  const [a, b] = await Promise.all([worker(), worker()])
  const org = await createOrganisation()
  const runIds: string[] = []
  for (let i = 0; i < 6; i++) {
    await createHrSource(app, org, `hr-${i}`)
    const res = await upload(app, org, csv(staff(50, `unit-${i}`, i * 1000)), 'text/csv', `hr-${i}`)
    runIds.push(res.json().run_id)
  }
  for (const id of runIds) {
    const run = await waitForRun(app, org, id)
    t.match(run, { state: 'succeeded', attempts: 1, counts: { created: 50 } }, id)
  }
  const people = await store.db.selectFrom('people').select(({ fn }) => fn.countAll<number>().as('n')).where('organisation', '=', org).executeTakeFirstOrThrow()
  t.equal(Number(people.n), 300)
  a.child.kill('SIGTERM'); b.child.kill('SIGTERM')
  t.equal(await a.exited, 0, 'SIGTERM stops a worker cleanly')
  await b.exited
})

t.test('a worker killed in the middle of applying leaves the previous state intact, and the retry succeeds', async (t) => {
  const first = await worker()
  const org = await createOrganisation()
  await createHrSource(app, org, 'hr', { max_end_percent: 100 })
  const before = await importAndWait(app, org, csv(staff(200)))
  t.equal(before.state, 'succeeded')

  // Hold the employments table so the apply transaction blocks after it has written units
  // and people, then kill the worker there.
  const blocker = new pg.Client({ connectionString: database.url })
  await blocker.connect()
  t.teardown(() => blocker.end())
  await blocker.query('begin')
  await blocker.query('lock table employments in exclusive mode')

  const changed = staff(200).map((r) => ({ ...r, title: 'Förste socialsekreterare', unit_id: 'soc-ny' }))
  const res = await upload(app, org, csv(changed))
  const runId = res.json().run_id as string
  for (let i = 0; ; i++) {
    const waiting = await store.db.selectFrom('pg_stat_activity' as never).select('pid' as never)
      .where('wait_event_type' as never, '=', 'Lock' as never).where('datname' as never, '=', database.name as never).execute()
    if (waiting.length > 0) break
    if (i > 400) throw new Error('the worker never reached the apply step')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  first.child.kill('SIGKILL')
  await first.exited
  await blocker.query('rollback')

  const mid = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?limit=500`, headers: adminHeaders })
  const titles = new Set(mid.json().items.flatMap((p: { employments: { title: string }[] }) => p.employments.map((e) => e.title)))
  t.same([...titles], ['Socialsekreterare'], 'nothing of the killed run is visible')
  const units = await store.db.selectFrom('units').select('id').where('organisation', '=', org).execute()
  t.same(units.map((u) => u.id), ['soc-eb'], 'not even the units it had written')

  await worker()
  const retried = await waitForRun(app, org, runId)
  t.match(retried, { state: 'succeeded', attempts: 2, counts: { created: 200, ended: 200 } })
})
