import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { freshDatabaseUrl, requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js'
import { openStore } from '../../src/store/open-store.js'
import { ATTRIBUTE_DAY_JOB } from '../../src/mapping/day-run.js'
import { evaluationDay } from '../../src/mapping/evaluation-day.js'
import { ISSUER, seededOrganisation } from '../tokens/helpers/token-app.js'

// The API only enqueues; two worker processes, the production entry point, take the jobs from BullMQ.
const database = await freshDatabaseUrl()
const store = await openStore({ url: database.url, embeddedDir: '', poolSize: 5 })
t.teardown(async () => { await store.close(); await database.drop() })
const env = { DATABASE_URL: database.url, REDIS_URL: requireRedisUrl(), BEHORIG_QUEUE_NAME: uniqueTestId() }
const test = await buildTestApp(store, { ...env, BEHORIG_ISSUER: ISSUER, BEHORIG_RUN_JOBS: 'false' })

const workers: WorkerProcess[] = [startWorker(env), startWorker(env)]
t.teardown(async () => { for (const w of workers) w.child.kill('SIGKILL'); await Promise.all(workers.map((w) => w.exited)) })
await Promise.all(workers.map((w) => w.ready))

t.test('an organisation\'s day enqueued many times on two workers runs once', async (t) => {
  const org = await seededOrganisation(test)
  const day = evaluationDay(new Date())
  for (let i = 0; i < 6; i++) await test.app.behorig.queue.enqueue(ATTRIBUTE_DAY_JOB, { organisation: org })
  const completed = async (): Promise<number> => Number((await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation', '=', org).where('action', '=', 'attribute-day.completed').executeTakeFirstOrThrow()).n)
  for (let i = 0; i < 200 && await completed() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  // Let the other five jobs finish: each finds the day done.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal(await completed(), 1, 'one run did the work')
  const rows = await store.db.selectFrom('attribute_day_runs').select('day').where('organisation', '=', org).execute()
  t.same(rows, [{ day }])
  t.same(await test.app.behorig.dayRuns.tick(), [], 'the tick finds nothing due')
})
