import t from 'tap'
import { checkHandlers } from '../../src/jobs/job-queue.js'
import { inProcessQueue } from '../../src/jobs/in-process-queue.js'

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']

t.test('a job name that every object inherits has no handler', async (t) => {
  for (const name of INHERITED) t.throws(() => { checkHandlers([name], {}) }, /missing \[/, `${name} is missing at start-up`)

  const failures: Array<{ err: unknown, job: string }> = []
  const queue = inProcessQueue({ error: (entry) => { failures.push(entry as { err: unknown, job: string }) } }, { attempts: 1, backoffMs: 0 })
  t.teardown(() => queue.close())
  let ran = 0
  queue.work({ known: async () => { ran++ } })
  for (const name of [...INHERITED, 'known']) await queue.enqueue(name, {})
  await queue.idle()
  t.equal(ran, 1, 'the registered job ran')
  t.same(failures.map((f) => [f.job, (f.err as Error).message]), INHERITED.map((name) => [name, `no handler for job ${name}`]), 'each inherited name failed as an unknown job')
})

t.test('a schedule more than 24.8 days away waits for its day rather than firing at once', async (t) => {
  const queue = inProcessQueue({ error: () => {} }, { attempts: 1, backoffMs: 0 })
  t.teardown(() => queue.close())
  let ran = 0
  queue.work({ yearly: async () => { ran++ } })
  // The first of the month six months ahead: always further than setTimeout's 2^31-1 ms.
  const month = ((new Date().getMonth() + 6) % 12) + 1
  await queue.schedule('yearly', `0 0 1 ${month} *`, 'yearly', {})
  await new Promise((resolve) => setTimeout(resolve, 50))
  await queue.idle()
  t.equal(ran, 0)
  t.ok(((await queue.nextRun('yearly'))?.getTime() ?? 0) > Date.now() + 100 * 86_400_000, 'it is due months from now')
})

t.test('the in-process queue counts its jobs waiting, running and failed for good', async (t) => {
  const queue = inProcessQueue({ error: () => {} }, { attempts: 1, backoffMs: 0 })
  t.teardown(() => queue.close())
  let release = (): void => {}
  const held = new Promise<void>((resolve) => { release = resolve })
  queue.work({ hold: () => held, fail: async () => { throw new Error('refused') } })
  await queue.enqueue('hold', {})
  t.same(await queue.counts(), { waiting: 1, active: 0, delayed: 0, failed: 0, stalled: 0 }, 'enqueued, not yet started')
  await new Promise((resolve) => setImmediate(resolve))
  t.same(await queue.counts(), { waiting: 0, active: 1, delayed: 0, failed: 0, stalled: 0 }, 'started once the caller\'s turn ended')
  await queue.enqueue('fail', {})
  release()
  await queue.idle()
  t.same(await queue.counts(), { waiting: 0, active: 0, delayed: 0, failed: 1, stalled: 0 })
})
