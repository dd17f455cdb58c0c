import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEMO_ORGANISATION } from '../../src/demo/demo-seed.js'
import { freePort } from '../helpers/listening-app.js'
import { runProcess, childProcessEnv } from '../helpers/run-process.js'
import { startServer, stopServer, type ServerProcess } from '../helpers/server-process.js'

// The embedded store (PGlite) has one connection: a request that waits for itself never
// ends. Every request here is bounded, so such a wait fails the test instead of hanging it.
const BOUND_MS = 20_000
const root = fileURLToPath(new URL('../..', import.meta.url))
const org = DEMO_ORGANISATION.number
const dataDir = t.testdir()
const port = await freePort()
const env = { BEHORIG_DATA_DIR: dataDir, PORT: String(port), BEHORIG_ISSUER: `http://127.0.0.1:${port}` }

// The first start seeds the demo (and so warms every in-process cache); the tests restart.
const first = await startServer(env)
const admin = { authorization: `Bearer ${/admin token[^\n]*\n\s+(\S+)/.exec(first.stderr())?.[1] ?? ''}` }
await stopServer(first)

async function call (server: ServerProcess, method: string, path: string, body?: { type: string, text: string }): Promise<{ status: number, json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body ? { ...admin, 'content-type': body.type } : admin,
    ...(body ? { body: body.text } : {}),
    signal: AbortSignal.timeout(BOUND_MS)
  })
  return { status: res.status, json: await res.json() }
}

/** Starts the server again on the same data, runs `fn` first thing, and expects a clean SIGTERM after. */
function afterRestart (name: string, fn: (t: Test, server: ServerProcess) => Promise<void>): void {
  t.test(name, async (t) => {
    const server = await startServer(env)
    t.teardown(() => { server.child.kill('SIGKILL') })
    await fn(t, server)
    const health = await call(server, 'GET', `/v1/organisations/${org}`)
    t.equal(health.status, 200, 'the organisation API still answers')
    t.equal(await stopServer(server), 0, 'SIGTERM shuts down cleanly')
  })
}

const personId = async (server: ServerProcess, employeeNumber: string): Promise<string> =>
  (await call(server, 'GET', `/v1/organisations/${org}/people?employee_number=${employeeNumber}`)).json.items[0].id

afterRestart('previews a mapping version after a restart', async (t, server) => {
  const preview = await call(server, 'POST', `/v1/organisations/${org}/mappings/1/preview`)
  t.equal(preview.status, 200)
  t.match(preview.json, { version: 1, compared_with: 1 })
})

afterRestart('explains an attribute after a restart', async (t, server) => {
  const anna = await personId(server, '100234')
  const explained = await call(server, 'GET', `/v1/organisations/${org}/people/${anna}/attributes/socialtjanst.eb.handlaggare/explain`)
  t.equal(explained.status, 200)
  t.match(explained.json, { holds: true, mapping_version: 1 })
})

afterRestart('recomputes after an HR import that changes someone, after a restart', async (t, server) => {
  const snapshot = JSON.parse(readFileSync(join(root, 'examples', 'hr', 'exempelkommun.json'), 'utf8')) as { employments: Array<Record<string, unknown>> }
  const sara = snapshot.employments.find((e) => e['employee_number'] === '100240')!
  Object.assign(sara, { unit_id: 'vof-bistand', position_code: '152010', title: 'Biståndshandläggare' })
  const accepted = await call(server, 'POST', `/v1/organisations/${org}/sources/hr/imports`, { type: 'application/json', text: JSON.stringify(snapshot) })
  t.equal(accepted.status, 202)
  let run = accepted.json
  while (['queued', 'running'].includes(run.state)) run = (await call(server, 'GET', `/v1/organisations/${org}/sync-runs/${accepted.json.run_id}`)).json
  t.equal(run.state, 'succeeded')
  const person = await call(server, 'GET', `/v1/organisations/${org}/people/${await personId(server, '100240')}`)
  t.match(person.json.attributes, [{ id: 'socialtjanst.aldre.bistandshandlaggare', unit_id: 'vof-bistand' }])
})

afterRestart('issues an attribute token after a restart', async (t) => {
  const demo = await runProcess(process.execPath, ['--import', 'tsx', 'scripts/demo-token.ts'], {
    cwd: root, env: { PATH: process.env['PATH'] ?? '', ...childProcessEnv(), BEHORIG_DATA_DIR: dataDir }, timeoutMs: BOUND_MS
  })
  t.equal(demo.code, 0, demo.stderr)
  t.match(demo.stdout, /3\. verified: valid/)
})
