import t from 'tap'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/load-config.js'
import { DEMO_CLIENT_ID, DEMO_ORGANISATION } from '../../src/demo/demo-seed.js'
import { adminHeaders, buildTestApp, openTestStore, testConfig } from '../helpers/app.js'
import { freePort } from '../helpers/listening-app.js'
import { runProcess, type ProcessResult } from '../helpers/run-process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const store = await openTestStore()
const dataDir = t.testdir()
const port = await freePort()
const issuer = `http://127.0.0.1:${port}`
const env = { BEHORIG_DEMO: 'true', BEHORIG_DATA_DIR: dataDir, BEHORIG_ISSUER: issuer, PORT: String(port) }
const { app } = await buildTestApp(store, env)
await app.listen({ port, host: '127.0.0.1' })

const demoToken = (): Promise<ProcessResult> => runProcess('npm', ['run', '--silent', 'demo:token'], { cwd: root, env: { ...process.env, BEHORIG_DATA_DIR: dataDir } })

const count = async (table: 'mapping_versions' | 'sync_runs' | 'people') =>
  Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('organisation', '=', DEMO_ORGANISATION.number).executeTakeFirstOrThrow()).n)

t.test('start-up seeds the fictional municipality, its HR snapshot, mapping and a demo client', async (t) => {
  const org = await app.inject({ method: 'GET', url: `/v1/organisations/${DEMO_ORGANISATION.number}`, headers: adminHeaders })
  t.match(org.json(), { number: '2129999997', name: 'Exempelkommun', kind: 'municipality' })
  const runs = (await app.inject({ method: 'GET', url: `/v1/organisations/${DEMO_ORGANISATION.number}/sync-runs`, headers: adminHeaders })).json().items
  t.match(runs, [{ state: 'succeeded', counts: { created: 7, quarantined: 0 } }], 'the HR snapshot imported cleanly')
  t.equal(await count('mapping_versions'), 1)
  const anna = (await app.inject({ method: 'GET', url: `/v1/organisations/${DEMO_ORGANISATION.number}/people?employee_number=100234`, headers: adminHeaders })).json().items[0]
  t.match(anna.attributes, [{ id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr' }])
  const keyFile = join(dataDir, 'demo', `${DEMO_CLIENT_ID}.private.jwk.json`)
  t.ok(existsSync(keyFile))
  t.equal(statSync(keyFile).mode & 0o777, 0o600, 'the private key is readable by its owner only')
  t.match(JSON.parse(readFileSync(join(dataDir, 'demo', 'demo.json'), 'utf8')), { issuer, client_id: DEMO_CLIENT_ID, subject: { type: 'employee-number', value: '100234' } })
})

t.test('npm run demo:token gets, verifies and prints an attribute token end to end', async (t) => {
  const run = await demoToken()
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /1\. access token for demo-agency/)
  t.match(run.stdout, /3\. verified: valid/)
  const printed = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { header: { typ: string }, claims: Record<string, unknown>, status: number }
  t.equal(printed.header.typ, 'attribute-token+jwt')
  t.match(printed.claims, { iss: issuer, aud: DEMO_CLIENT_ID, organisation: { number: '2129999997', name: 'Exempelkommun' }, attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }], catalog: { domain: 'socialtjanst', version: '1.1.0' } })
  t.equal(printed.status, 0)
  t.match(printed.claims, {
    'https://id.oidc.se/claim/orgNumber': '2129999997',
    'https://id.oidc.se/claim/orgName': 'Exempelkommun',
    eduperson_entitlement: ['urn:behorig:entitlement:socialtjanst.eb.handlaggare:unit:2129999997:soc-eb-norr'],
    attributes: [{ unit_name: 'Ekonomiskt bistånd norr', unit_hsa_id: 'SE2129999997-E1N' }]
  }, 'the demo party\'s claims_profile is sweden: the national names are printed')
  t.notOk('https://id.oidc.se/claim/orgAffiliation' in printed.claims, 'its pairwise policy releases no service id')
})

t.test('a restart seeds nothing twice and keeps the demo key', async (t) => {
  const keyBefore = readFileSync(join(dataDir, 'demo', `${DEMO_CLIENT_ID}.private.jwk.json`), 'utf8')
  const again = await buildApp(testConfig(env), { store })
  await again.ready()
  await again.close()
  t.equal(await count('mapping_versions'), 1)
  t.equal(await count('sync_runs'), 1)
  t.equal(await count('people'), 7)
  t.equal(readFileSync(join(dataDir, 'demo', `${DEMO_CLIENT_ID}.private.jwk.json`), 'utf8'), keyBefore)
  t.equal((await demoToken()).code, 0, 'the kept key still authenticates')
})

t.test('the demo is on by default only on the embedded store', async (t) => {
  t.equal(loadConfig({}).demo, true)
  t.equal(loadConfig({ DATABASE_URL: 'postgres://u@db/behorig' }).demo, false)
  t.equal(loadConfig({ DATABASE_URL: 'postgres://u@db/behorig', BEHORIG_DEMO: 'true' }).demo, true)
  t.equal(loadConfig({ BEHORIG_DEMO: 'false' }).demo, false)
  const otherDir = t.testdir()
  const plain = await buildApp(testConfig({ BEHORIG_DEMO: '', DATABASE_URL: 'postgres://unused@127.0.0.1/x', BEHORIG_DATA_DIR: otherDir }), { store: await openTestStore() })
  await plain.ready()
  await plain.close()
  t.notOk(existsSync(join(otherDir, 'demo')), 'DATABASE_URL set and BEHORIG_DEMO unset: no demo')
})
