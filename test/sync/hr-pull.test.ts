import t from 'tap'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { csv, staff, waitForRun } from '../helpers/sync.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { SCHEDULED_SYNC_JOB } from '../../src/sources/service.js'
import { problemType } from '../helpers/problem-type.js'
import { selfSignedCertificate } from '../helpers/self-signed-certificate.js'

// A municipal HR system that publishes its export over HTTPS with a private CA and a token.
const { key, cert } = selfSignedCertificate(t, 'hr.exempel.se')
let exportBody = csv(staff(7))
let requests = 0
const hr: Server = createServer({ key, cert }, (req, res) => {
  requests++
  if (req.headers.authorization !== 'Bearer hr-export-token') { res.writeHead(401).end(); return }
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(exportBody)
})
await new Promise<void>((resolve) => hr.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => hr.close(() => resolve())))
const url = `https://127.0.0.1:${(hr.address() as AddressInfo).port}/export.csv`

const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store, allowLoopbackFetch)

async function register (org: string, config: Record<string, unknown>, schedule: string | null = null) {
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'heroma', kind: 'hr', schedule, config } })
  t.equal(res.statusCode, 201, res.body)
  return res.json()
}

t.test('pulls the snapshot from the HR system over HTTPS on demand', async (t) => {
  const org = await createOrganisation()
  const source = await register(org, { url, bearer_token: 'hr-export-token', ca_pem: cert })
  t.same(source.secrets_configured, ['bearer_token'])
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/heroma/sync`, headers: adminHeaders })
  t.equal(res.statusCode, 202)
  const run = await waitForRun(app, org, res.json().run_id)
  t.match(run, { state: 'succeeded', trigger: 'pull', counts: { read: 7, created: 7 } })
})

t.test('a scheduled source shows its next run, and the scheduled job starts a run', async (t) => {
  const org = await createOrganisation()
  const source = await register(org, { url, bearer_token: 'hr-export-token', ca_pem: cert }, '0 5 * * *')
  t.ok(source.next_run_at, 'the schedule is armed')
  t.ok(new Date(source.next_run_at).getTime() > Date.now())
  exportBody = csv(staff(9))
  await app.behorig.queue.enqueue(SCHEDULED_SYNC_JOB, { organisation: org, source: 'heroma' })
  let run
  for (let i = 0; i < 400 && !run; i++) {
    const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs`, headers: adminHeaders })
    t.equal(list.statusCode, 200, list.body)
    run = list.json().items?.[0]
    if (!run) await new Promise((resolve) => setTimeout(resolve, 25))
  }
  t.match(await waitForRun(app, org, run.id), { state: 'succeeded', trigger: 'schedule', counts: { created: 9 } })
  const cleared = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/sources/heroma`, headers: adminHeaders, payload: { kind: 'hr', schedule: null, config: { url, ca_pem: cert } } })
  t.equal(cleared.json().next_run_at, null, 'removing the schedule disarms it')
})

t.test('an HR system that refuses, or whose certificate is not trusted, fails the run with a reason and changes nothing', async (t) => {
  const org = await createOrganisation()
  await register(org, { url, bearer_token: 'wrong', ca_pem: cert })
  const refused = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/heroma/sync`, headers: adminHeaders })
  t.match(await waitForRun(app, org, refused.json().run_id), { state: 'failed', attempts: 2, error: { type: problemType('source-unavailable'), detail: /answered 401/ } })

  const org2 = await createOrganisation()
  await register(org2, { url, bearer_token: 'hr-export-token' })
  const before = requests
  const untrusted = await app.inject({ method: 'POST', url: `/v1/organisations/${org2}/sources/heroma/sync`, headers: adminHeaders })
  t.match(await waitForRun(app, org2, untrusted.json().run_id), { state: 'failed', attempts: 2, error: { detail: /certificate/ } })
  t.equal(requests, before, 'no request reached the server over an unverified connection')
  const people = await app.inject({ method: 'GET', url: `/v1/organisations/${org2}/people`, headers: adminHeaders })
  t.same(people.json().items, [])
})

t.test('an HR URL on a loopback address is not fetched without an exception; the run says why without the address', async (t) => {
  const { app: strict, createOrganisation: createStrictOrganisation } = await buildTestApp(store)
  const org = await createStrictOrganisation()
  const res = await strict.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'heroma', kind: 'hr', config: { url, bearer_token: 'hr-export-token', ca_pem: cert } } })
  t.equal(res.statusCode, 201, res.body)
  const before = requests
  const sync = await strict.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/heroma/sync`, headers: adminHeaders })
  const run = await waitForRun(strict, org, sync.json().run_id)
  t.match(run, { state: 'failed', error: { type: problemType('source-config-invalid'), errors: [{ pointer: '/config/url', detail: /loopback address/ }] } })
  t.equal(requests, before, 'the HR server was never reached')
})
