// Token issuance records each token with its audit event in group-committed batches. This
// proves the batching loses nothing: a server killed (SIGKILL, no shutdown) in the middle
// of heavy issuance has a token row and an audit event for every token any caller
// received, the two sets agree, and the organisation's chain still verifies.
import t from 'tap'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { decodeJwt } from 'jose'
import { openStore } from '../../src/store/open-store.js'
import { ADMIN_TOKEN, adminHeaders, buildTestApp, TEST_KEK } from '../helpers/app.js'
import { freshDatabaseUrl } from '../helpers/services.js'
import { freePort } from '../helpers/listening-app.js'
import { childProcessEnv } from '../helpers/run-process.js'
import { approveRelyingParty, clientAssertion } from '../helpers/relying-party.js'
import { agency, ISSUER, seededOrganisation } from './helpers/token-app.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const database = await freshDatabaseUrl()
const store = await openStore({ url: database.url, embeddedDir: '', poolSize: 5 })
t.teardown(async () => { await store.close(); await database.drop() })
const test = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })
const org = await seededOrganisation(test)
const party = await agency(test.app, 'crash-agency', { release: { attributes: ['socialtjanst.eb.handlaggare', 'socialtjanst.bu.handlaggare'] } })
await approveRelyingParty(test.app, org, party.clientId)

t.test('a server killed mid-issuance acknowledged no token it had not recorded and audited', async (t) => {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...childProcessEnv(), DATABASE_URL: database.url, PORT: String(port), HOST: '127.0.0.1', BEHORIG_ISSUER: ISSUER, BEHORIG_ADMIN_TOKEN: ADMIN_TOKEN, BEHORIG_KEY_ENCRYPTION_KEY: TEST_KEK, BEHORIG_DEMO: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  server.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  t.teardown(() => { server.kill('SIGKILL') })
  for (let ready = false; !ready;) {
    ready = await fetch(`${base}/health/ready`).then((r) => r.ok, () => false)
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100))
  }

  const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(party.key, party.clientId, ISSUER) })
  const access = await (await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })).json() as { access_token: string }
  const headers = { authorization: `Bearer ${access.access_token}`, 'content-type': 'application/json' }

  const received: string[] = []
  let killed = false
  async function caller (i: number): Promise<void> {
    // eslint-disable-next-line no-unmodified-loop-condition -- the test sets `killed` while the callers run
    for (let n = 0; !killed; n++) {
      const value = ['1001', '1002'][(i + n) % 2] as string
      try {
        const res = await fetch(`${base}/v1/attribute-tokens`, { method: 'POST', headers, body: JSON.stringify({ subject: { type: 'employee-number', value, organisation: org } }) })
        if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`)
        received.push(String(decodeJwt(((await res.json()) as { attribute_token: string }).attribute_token).jti))
      } catch (error) {
        if (!killed) throw error
      }
    }
  }
  const callers = Array.from({ length: 48 }, (_, i) => caller(i))
  // Kill it once issuance is in full flow, while 48 requests are in flight.
  while (received.length < 400) await new Promise((resolve) => setTimeout(resolve, 5))
  server.kill('SIGKILL')
  killed = true
  await exited
  await Promise.all(callers)
  t.ok(received.length >= 400, `${received.length} tokens received before the kill`)

  const recorded = new Set((await store.db.selectFrom('attribute_tokens').select('jti').where('client_id', '=', 'crash-agency').execute()).map((r) => r.jti))
  const audited = (await store.db.selectFrom('audit_events').select('details').where('organisation', '=', org).where('action', '=', 'attribute-token.issued').execute())
    .map((r) => String((typeof r.details === 'string' ? JSON.parse(r.details) : r.details as Record<string, unknown>)['jti']))
  t.same(received.filter((jti) => !recorded.has(jti)), [], 'every token received has its record')
  t.same(received.filter((jti) => !audited.includes(jti)), [], 'every token received has its audit event')
  t.equal(audited.length, recorded.size, 'records and audit events commit together: as many of one as of the other')
  t.same([...recorded].filter((jti) => !audited.includes(jti)), [], 'and for the same tokens')
  t.equal(new Set(audited).size, audited.length, 'no event written twice')

  const verified = await test.app.inject({ method: 'GET', url: `/v1/audit/verify?organisation=${org}`, headers: adminHeaders })
  t.equal(verified.statusCode, 200, verified.body)
  t.match(verified.json(), { ok: true }, 'the chain is whole after the crash')
  t.notMatch(stderr, /unhandled|TypeError/i, 'the server had no error before it was killed')
})
