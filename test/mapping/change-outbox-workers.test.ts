// Change propagation that survives a crash, with the production worker entry point on
// BullMQ: a worker SIGKILLed after a sync run committed and before its recompute, a new
// worker that finishes the change, the same change propagated twice to the same result,
// and two workers draining many changes where each change is recomputed exactly once.
import t from 'tap'
import pg from 'pg'
import { sql } from 'kysely'
import { decodeJwt } from 'jose'
import { buildTestApp } from '../helpers/app.js'
import { freshDatabaseUrl, requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js'
import { approveRelyingParty } from '../helpers/relying-party.js'
import { decodeStatusList, statusAt } from '../helpers/status-list.js'
import { upload, waitForRun } from '../helpers/sync.js'
import { openStore } from '../../src/store/open-store.js'
import { CHANGE_DRAIN_JOB } from '../../src/mapping/change-propagation.js'
import { agency, ISSUER, JOBS, PIN, requestToken, seededOrganisation, snapshotWithPin, verifyAttributeToken } from '../tokens/helpers/token-app.js'

const database = await freshDatabaseUrl()
const store = await openStore({ url: database.url, embeddedDir: '', poolSize: 5 })
t.teardown(async () => { await store.close(); await database.drop() })
const env = { DATABASE_URL: database.url, REDIS_URL: requireRedisUrl(), BEHORIG_QUEUE_NAME: uniqueTestId() }
// The API only enqueues; the work is done by worker processes.
const test = await buildTestApp(store, { ...env, BEHORIG_ISSUER: ISSUER, BEHORIG_RUN_JOBS: 'false' })
const { app } = test

const workers: WorkerProcess[] = []
const startedWorker = async (): Promise<WorkerProcess> => {
  const worker = startWorker(env)
  workers.push(worker)
  await worker.ready
  return worker
}
t.teardown(async () => { for (const w of workers) w.child.kill('SIGKILL'); await Promise.all(workers.map((w) => w.exited)) })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
async function until (what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(50)) if (await check()) return
  throw new Error(`timed out waiting for ${what}`)
}

const outbox = (org: string) => store.db.selectFrom('change_outbox').select(['id', 'stage', 'cause', 'attempts']).where('organisation', '=', org).orderBy('id').execute()
const heldBy = async (org: string, employeeNumber: string): Promise<string[]> =>
  (await store.db.selectFrom('effective_attributes').innerJoin('people', (j) => j.onRef('people.id', '=', 'effective_attributes.person_id').onRef('people.organisation', '=', 'effective_attributes.organisation'))
    .select(['attribute_id', 'unit_id']).where('effective_attributes.organisation', '=', org).where('people.employee_number', '=', employeeNumber).execute())
    .map((r) => `${r.attribute_id}@${r.unit_id ?? '*'}`).sort()
const attributeRows = (org: string) => store.db.selectFrom('effective_attributes').select(['person_id', 'attribute_id', 'unit_id', 'computed_at', 'provenance'])
  .where('organisation', '=', org).orderBy('person_id').orderBy('attribute_id').orderBy('unit_id').execute()

/** The advisory lock every recompute of the organisation takes first: held here, the worker's recompute waits inside its transaction. */
async function holdRecomputeLock (org: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  await client.query('begin')
  await client.query('select pg_advisory_xact_lock(hashtext($1))', [`mappings:${org}`])
  return client
}

const firstWorker = await startedWorker()

t.test('a worker SIGKILLed between a sync run\'s commit and its recompute: the next worker recomputes and revokes, and doing it again changes nothing', async (t) => {
  const org = await seededOrganisation(test)
  const fk = await agency(app, 'fk-crash', { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(app, org, fk.clientId)
  const issued = await requestToken(app, await fk.bearer(), { type: 'personal-identity-number', value: PIN, organisation: org })
  t.equal(issued.statusCode, 200, issued.body)
  const { payload } = await verifyAttributeToken(app, issued.json().attribute_token, fk.clientId)
  const ref = (payload['status'] as { status_list: { idx: number, uri: string } }).status_list
  const bit = async (): Promise<number> => {
    const res = await app.inject({ method: 'GET', url: new URL(ref.uri).pathname, headers: { accept: 'application/statuslist+jwt' } })
    return statusAt(decodeStatusList((decodeJwt(res.body)['status_list'] as { lst: string }).lst), ref.idx)
  }
  const revokedAt = async () => (await store.db.selectFrom('attribute_tokens').select('revoked_at').where('jti', '=', String(payload.jti)).executeTakeFirstOrThrow()).revoked_at
  t.same(await heldBy(org, '1001'), ['socialtjanst.eb.handlaggare@soc-eb-norr'])

  // 1001 becomes an undersköterska: the eb rule no longer grants anything.
  const lock = await holdRecomputeLock(org)
  const moved = JOBS.map((j) => j.employee_number === '1001' ? { ...j, position_code: '521010', title: 'Undersköterska' } : j)
  const res = await upload(app, org, snapshotWithPin(moved), 'application/json')
  t.equal(res.statusCode, 202, res.body)
  const run = await waitForRun(app, org, res.json().run_id)
  t.equal(run.state, 'succeeded', 'the run committed')
  await until('the worker to wait inside the recompute', async () => {
    const waiting = await sql<{ n: string }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(store.db)
    return Number(waiting.rows[0]?.n) > 0
  })
  t.match(await outbox(org), [{ stage: 'recompute', cause: { kind: 'sync', run_id: run.id } }], 'the run\'s change is in the outbox')

  firstWorker.child.kill('SIGKILL')
  await firstWorker.exited
  await lock.query('rollback')
  await lock.end()
  // The killed worker's transaction rolls back when its connection is found gone.
  await until('the killed worker\'s transaction to end', async () => {
    const free = await store.db.selectFrom('change_outbox').select('id').where('organisation', '=', org).forUpdate().skipLocked().execute()
    return free.length === 1
  })
  t.same(await heldBy(org, '1001'), ['socialtjanst.eb.handlaggare@soc-eb-norr'], 'killed before the recompute: the attribute is still stored')
  t.equal(await revokedAt(), null, 'and the token not revoked')
  t.equal(await bit(), 0)

  await startedWorker()
  await until('the outbox to empty', async () => (await outbox(org)).length === 0)
  t.same(await heldBy(org, '1001'), [], 'the new worker recomputed the change')
  t.ok(await revokedAt(), 'and revoked the live token')
  t.equal(await bit(), 1, 'whose status bit is set')
  const refused = await requestToken(app, await fk.bearer(), { type: 'personal-identity-number', value: PIN, organisation: org })
  t.equal(refused.statusCode, 404, 'nothing is issued for 1001 after')

  // The same change once more: nothing is rewritten, nothing revoked again.
  const before = { rows: await attributeRows(org), revoked: await revokedAt() }
  await store.db.insertInto('change_outbox').values({ organisation: org, cause: JSON.stringify({ kind: 'sync', run_id: run.id }), people: null, stage: 'recompute' }).execute()
  await app.behorig.queue.enqueue(CHANGE_DRAIN_JOB, {})
  await until('the repeated change to be drained', async () => (await outbox(org)).length === 0)
  t.same(await attributeRows(org), before.rows, 'the same attributes, not even rewritten')
  t.same(await revokedAt(), before.revoked, 'the token revoked once')
  t.equal(await bit(), 1)
})

t.test('two workers draining many changes recompute each exactly once', async (t) => {
  const org = await seededOrganisation(test)
  await startedWorker()
  const live = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null)
  t.equal(live.length, 2, 'two workers')
  const people = (await store.db.selectFrom('people').select('id').where('organisation', '=', org).execute()).map((p) => p.id)
  // Changes whose committing process is gone (no lease): only a drain takes them.
  const ids = (await store.db.insertInto('change_outbox')
    .values(Array.from({ length: 30 }, (_, i) => ({ organisation: org, cause: JSON.stringify({ kind: 'recompute' }), people: JSON.stringify([people[i % people.length]]), stage: 'recompute' as const })))
    .returning('id').execute()).map((r) => String(r.id))
  const logged = live.map((w) => w.output().length)
  for (let i = 0; i < 6; i++) await app.behorig.queue.enqueue(CHANGE_DRAIN_JOB, {})
  await until('the outbox to empty', async () => (await outbox(org)).length === 0)
  await sleep(300)
  const recomputedBy = live.map((w, i) => w.output().slice(logged[i]).split('\n').filter((line) => line.includes('change recomputed from the outbox'))
    .map((line) => String((JSON.parse(line) as { change: string }).change)))
  const all = recomputedBy.flat()
  t.same([...all].sort(), [...ids].sort(), 'every change recomputed once, by one worker')
  t.comment(`worker shares: ${recomputedBy.map((r) => r.length).join(' + ')}`)
})
