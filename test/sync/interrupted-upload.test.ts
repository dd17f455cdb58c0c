import t from 'tap'
import { request, type ClientRequest } from 'node:http'
import { sql } from 'kysely'
import { ADMIN_TOKEN, TEST_KEK } from '../helpers/app.js'
import { freshDatabaseUrl } from '../helpers/services.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { startServer, stopServer, type ServerProcess } from '../helpers/server-process.js'
import { openStore } from '../../src/store/open-store.js'
import { problemType } from '../helpers/problem-type.js'

const database = await freshDatabaseUrl()
t.teardown(() => database.drop())
// A short lease so the test waits seconds, not a minute, for a dead upload's lease to run out.
const ISSUER = 'https://behorig.test'
const env = { DATABASE_URL: database.url, BEHORIG_ISSUER: ISSUER, BEHORIG_ADMIN_TOKEN: ADMIN_TOKEN, BEHORIG_KEY_ENCRYPTION_KEY: TEST_KEK, BEHORIG_UPLOAD_LEASE_MS: '4000', BEHORIG_DEMO: 'false' }
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
const org = randomOrganisationNumber()

const employments = (from: number, n: number): string =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ employee_number: String(from + i), unit_id: 'a', employment_type: 'tillsvidare', start_date: '2020-01-01' })).join(',')

interface Upload { req: ClientRequest, answer: Promise<{ status: number, body: string }> }

/** Starts a streamed snapshot upload and sends its first part; the rest is up to the caller. */
function beginUpload (server: ServerProcess): Upload {
  const req = request(`${server.url}/v1/organisations/${org}/sources/hr/imports`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' } })
  const answer = new Promise<{ status: number, body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
  })
  // More than one staging batch (2000 records), so rows are staged while the upload is open.
  req.write(`{"units":[{"id":"a","name":"A"}],"employments":[${employments(1, 5000)}`)
  return { req, answer }
}

const store = await openStore({ url: database.url, embeddedDir: '', poolSize: 2 })
t.teardown(() => store.close())

/** Waits for a condition the servers bring about (there is no event to wait on across processes). */
async function until<T> (what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const stagedRows = async (runId: string): Promise<number> => Number((await store.db.selectFrom('staged_employments').select((eb) => eb.fn.countAll().as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow()).n)
const runOf = (runId: string) => store.db.selectFrom('sync_runs').select(['state', 'error', 'staged']).where('id', '=', runId).executeTakeFirstOrThrow()
const openUploadRun = (except?: string) => until('an upload run with staged rows', async () => {
  const row = await store.db.selectFrom('sync_runs').select('id').where('trigger', '=', 'import').where('state', '=', 'queued')
    .where('id', '!=', except ?? '').orderBy('id', 'desc').executeTakeFirst()
  return row && await stagedRows(row.id) > 0 ? row.id : undefined
})

t.test('a server killed mid-upload: the run is failed as interrupted and its staging removed after a restart, and another server\'s live upload goes on', async (t) => {
  const first = await startServer(env)
  t.teardown(() => stopServer(first, 'SIGKILL'))
  const put = await fetch(`${first.url}/v1/organisations/${org}`, { method: 'PUT', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Avbrottskommun', kind: 'municipality' }) })
  t.equal(put.status, 201)
  const source = await fetch(`${first.url}/v1/organisations/${org}/sources`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'hr', kind: 'hr' }) })
  t.equal(source.status, 201)

  const killed = beginUpload(first)
  killed.answer.catch(() => {}) // its server dies under it
  const killedRun = await openUploadRun()

  // A second server receives an upload of its own, and keeps it open through what follows.
  const other = await startServer(env)
  t.teardown(() => stopServer(other, 'SIGKILL'))
  const live = beginUpload(other)
  const liveRun = await openUploadRun(killedRun)

  t.equal(await stopServer(first, 'SIGKILL'), null, 'killed')
  t.match(await runOf(killedRun), { state: 'queued', staged: false }, 'left queued, as nothing is there to finish it')
  t.ok(await stagedRows(killedRun) > 0, 'with its staged rows')

  await until('the killed upload\'s lease to run out', async () =>
    (await store.db.selectFrom('sync_runs').select('id').where('id', '=', killedRun).where('upload_lease_until', '<', sql<Date>`now()`).executeTakeFirst())?.id)
  const restarted = await startServer(env) // its start-up pass runs before it listens
  t.teardown(() => stopServer(restarted, 'SIGKILL'))

  const failed = await runOf(killedRun)
  t.match(failed, { state: 'failed', error: { type: problemType('upload-interrupted', ISSUER), detail: /upload the snapshot again/ } })
  t.equal(await stagedRows(killedRun), 0, 'its staging is removed')
  const shown = await fetch(`${restarted.url}/v1/organisations/${org}/sync-runs/${killedRun}`, { headers: admin })
  t.match(await shown.json(), { state: 'failed', error: { title: 'The upload was interrupted' } })

  t.match(await runOf(liveRun), { state: 'queued', staged: false }, 'the live upload on the other server is left alone')
  live.req.end(`,${employments(6000, 10)}]}`)
  const accepted = await live.answer
  t.equal(accepted.status, 202, accepted.body)
  const done = await until('the live upload\'s run to finish', async () => {
    const run = await runOf(liveRun)
    return ['queued', 'running'].includes(run.state) ? undefined : run
  })
  t.equal(done.state, 'succeeded')
})
