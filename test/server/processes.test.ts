// BEHORIG_PROCESSES=2: two API processes on one port (the real entry point, src/server.ts)
// and one job worker, sharing PostgreSQL and Redis. Tokens come from both with one audit
// chain that verifies; rate limits are shared; a key rotation is seen by both at once; a
// sync run is processed once; and SIGKILLing one process under load fails only what it had
// in flight, while the supervisor starts another.
import t from 'tap'
import { request } from 'node:http'
import { sql } from 'kysely'
import { decodeProtectedHeader } from 'jose'
import { ADMIN_TOKEN, adminHeaders, buildTestApp, TEST_KEK } from '../helpers/app.js'
import { freshDatabaseUrl, requireRedisUrl, uniqueTestId } from '../helpers/services.js'
import { startServer, stopServer } from '../helpers/server-process.js'
import { startWorker } from '../helpers/worker-process.js'
import { approveRelyingParty } from '../helpers/relying-party.js'
import { openStore } from '../../src/store/open-store.js'
import { agency, ISSUER, JOBS, PIN, seededOrganisation, snapshotWithPin } from '../tokens/helpers/token-app.js'

const RATE_LIMIT = 25
const database = await freshDatabaseUrl()
const store = await openStore({ url: database.url, embeddedDir: '', poolSize: 5 })
t.teardown(async () => { await store.close(); await database.drop() })
const shared = {
  DATABASE_URL: database.url,
  REDIS_URL: requireRedisUrl(),
  BEHORIG_QUEUE_NAME: uniqueTestId(),
  BEHORIG_ISSUER: ISSUER,
  BEHORIG_KEY_ENCRYPTION_KEY: TEST_KEK,
  BEHORIG_RATE_LIMIT_RELYING_PARTY: String(RATE_LIMIT)
}
// Set-up goes through an app in this process (it works no jobs); the traffic goes to the processes.
const test = await buildTestApp(store, { ...shared, BEHORIG_RUN_JOBS: 'false' })
const worker = startWorker(shared)
t.teardown(async () => { worker.child.kill('SIGKILL'); await worker.exited })
await worker.ready
const org = await seededOrganisation(test)

const METRICS_TOKEN = 'processes-test-metrics-token-0123456789abcdef'
const server = await startServer({ ...shared, BEHORIG_PROCESSES: '2', BEHORIG_ADMIN_TOKEN: ADMIN_TOKEN, BEHORIG_METRICS_TOKEN: METRICS_TOKEN, BEHORIG_DEMO: 'false' })
t.teardown(() => { server.child.kill('SIGKILL') })
// The first process answers before the second has started; the supervisor says when both listen.
for (let i = 0; i < 1800 && !server.stdout().includes('API processes listening'); i++) await new Promise((resolve) => setTimeout(resolve, 50))

interface LogLine { pid: number, msg?: string, req?: { url?: string }, reqId?: string }
const logLines = (): LogLine[] => server.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine)
const listeningPids = (): Set<number> => new Set(logLines().filter((l) => l.msg?.startsWith('Server listening')).map((l) => l.pid))
/** The processes that took requests to `url` since `from` log lines. */
const servedBy = (url: string, from: number): Set<number> => new Set(logLines().slice(from).filter((l) => l.msg === 'incoming request' && l.req?.url === url).map((l) => l.pid))

/** One request on a connection of its own, so the supervisor hands each to a process in turn. */
function call (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number, json: Record<string, unknown>, text: string }> {
  const { port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => { text += c.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? JSON.parse(text) as Record<string, unknown> : {}, text }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(10_000, () => { req.destroy(new Error('no answer in 10 s')) })
    req.end(payload)
  })
}
const subject = { subject: { type: 'personal-identity-number', value: PIN, organisation: org } }

t.test('two API processes serve the port', async (t) => {
  t.equal(listeningPids().size, 2, 'two processes listen')
})

t.test('tokens come from both processes, with one audit chain that verifies', async (t) => {
  const fk = await agency(test.app, 'fk-both', { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(test.app, org, fk.clientId)
  const bearer = await fk.bearer()
  const from = logLines().length
  const answers = await Promise.all(Array.from({ length: 12 }, () => call('POST', '/v1/attribute-tokens', bearer, subject)))
  t.same(answers.map((a) => a.status), Array(12).fill(200))
  t.equal(servedBy('/v1/attribute-tokens', from).size, 2, 'both processes issued tokens')
  const verified = await call('GET', `/v1/audit/verify?organisation=${org}`, adminHeaders)
  t.equal(verified.status, 200)
  t.equal(verified.json['ok'], true, 'the organisation\'s chain verifies')
  const issued = await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('organisation', '=', org).where('action', '=', 'attribute-token.issued').executeTakeFirstOrThrow()
  t.equal(Number(issued.n), 12, 'every token audited once, in one chain')
})

t.test('a scrape of /metrics, whichever process it reaches, counts the tokens of both', async (t) => {
  for (let i = 0; i < 4; i++) {
    const scraped = await call('GET', '/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })
    t.equal(scraped.status, 200)
    t.match(scraped.text, /^behorig_attribute_tokens_issued_total\{client_id="fk-both"\} 12$/m, `scrape ${i + 1}: the 12 tokens of both processes`)
    t.match(scraped.text, /^behorig_change_outbox_pending /m, 'and the state read from the store, once')
  }
})

t.test('the relying party rate limit is shared by the processes', async (t) => {
  const fk = await agency(test.app, 'fk-limited', { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(test.app, org, fk.clientId)
  const bearer = await fk.bearer()
  const from = logLines().length
  const answers = await Promise.all(Array.from({ length: RATE_LIMIT + 15 }, () => call('POST', '/v1/attribute-tokens', bearer, subject)))
  t.equal(servedBy('/v1/attribute-tokens', from).size, 2, 'both processes answered')
  t.equal(answers.filter((a) => a.status === 200).length, RATE_LIMIT, `${RATE_LIMIT} in all, not ${RATE_LIMIT} per process`)
  t.equal(answers.filter((a) => a.status === 429).length, 15)
})

t.test('a key rotation through one process is used by both at once', async (t) => {
  const fk = await agency(test.app, 'fk-rotation', { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(test.app, org, fk.clientId)
  const bearer = await fk.bearer()
  // Both have a signer cached.
  await Promise.all(Array.from({ length: 6 }, () => call('POST', '/v1/attribute-tokens', bearer, subject)))
  const rotated = await call('POST', '/v1/keys/rotate', adminHeaders)
  t.equal(rotated.status, 200)
  const kid = (rotated.json['active'] as { kid: string }).kid
  const from = logLines().length
  const after = await Promise.all(Array.from({ length: 10 }, () => call('POST', '/v1/attribute-tokens', bearer, subject)))
  t.equal(servedBy('/v1/attribute-tokens', from).size, 2, 'both processes signed')
  t.same([...new Set(after.map((a) => decodeProtectedHeader(String(a.json['attribute_token'])).kid))], [kid], 'every token signed with the new key')
})

t.test('a sync run uploaded through the processes is processed once', async (t) => {
  const moved = JOBS.map((j) => j.employee_number === '1003' ? { ...j, title: 'Biträdande enhetschef' } : j)
  const accepted = await call('POST', `/v1/organisations/${org}/sources/hr/imports`, adminHeaders, JSON.parse(snapshotWithPin(moved)))
  t.equal(accepted.status, 202)
  const runId = String(accepted.json['run_id'])
  let state = ''
  for (let i = 0; i < 400 && !['succeeded', 'failed'].includes(state); i++) {
    state = String((await call('GET', `/v1/organisations/${org}/sync-runs/${runId}`, adminHeaders)).json['state'])
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  t.equal(state, 'succeeded')
  const events = await store.db.selectFrom('audit_events').select('action').where('organisation', '=', org).where('action', 'like', 'sync-run.%')
    .where(sql<boolean>`details->>'run_id' = ${runId}`).execute()
  t.same(events.map((e) => e.action).sort(), ['sync-run.finished', 'sync-run.started'], 'started and finished once')
})

t.test('SIGKILL of one process under load fails only its in-flight requests; another takes its place', async (t) => {
  const fk = await agency(test.app, 'fk-kill', { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(test.app, org, fk.clientId)
  const bearer = await fk.bearer()
  const [victim] = [...listeningPids()]
  const before = listeningPids().size
  const CLIENTS = 6
  const load = { stop: false }
  let failed = 0
  let afterKill = 0
  let killed = false
  // Answered means a live process answered (past the rate limit, a 429 is an answer too).
  const loops = Array.from({ length: CLIENTS }, async () => {
    while (!load.stop) {
      const answered = await call('POST', '/v1/attribute-tokens', bearer, subject).catch(() => undefined)
      if (answered === undefined) failed++
      else if (killed) afterKill++
    }
  })
  await new Promise((resolve) => setTimeout(resolve, 800))
  process.kill(victim as number, 'SIGKILL')
  killed = true
  await new Promise((resolve) => setTimeout(resolve, 1500))
  load.stop = true
  await Promise.all(loops)
  t.ok(failed <= CLIENTS, `at most the ${CLIENTS} requests in flight failed (${failed})`)
  t.ok(afterKill > 20, `the other process went on answering (${afterKill} answers after the kill)`)
  for (let i = 0; i < 1800 && listeningPids().size === before; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(listeningPids().size, before + 1, 'the supervisor started a replacement')
  if (listeningPids().size !== before + 1) t.comment(server.stdout().slice(-3000), server.stderr().slice(-2000))
  t.match(server.stdout(), /an API process died; starting another/)
  const verified = await call('GET', `/v1/audit/verify?organisation=${org}`, adminHeaders)
  t.equal(verified.json['ok'], true, 'the chain still verifies')
})

t.test('SIGTERM stops the supervisor and its processes cleanly', async (t) => {
  t.equal(await stopServer(server), 0)
})
