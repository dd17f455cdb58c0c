import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { childProcessEnv } from '../helpers/run-process.js'
import { startServer, stopServer } from '../helpers/server-process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

t.test('the embedded default serves, prints a generated admin token once, and keeps data across a restart', async (t) => {
  const dataDir = t.testdir()
  const first = await startServer({ BEHORIG_DATA_DIR: dataDir })
  t.teardown(() => { first.child.kill('SIGKILL') })
  const ready = await fetch(`${first.url}/health/ready`)
  t.equal(ready.status, 200)
  const token = /admin token[^\n]*\n\s+(\S+)/.exec(first.stderr())?.[1]
  t.ok(token, 'the generated token is printed')
  const org = randomOrganisationNumber()
  const put = await fetch(`${first.url}/v1/organisations/${org}`, {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Omstartskommun', kind: 'municipality' })
  })
  t.equal(put.status, 201)
  t.equal(await stopServer(first), 0, 'SIGTERM shuts down cleanly')

  const second = await startServer({ BEHORIG_DATA_DIR: dataDir })
  t.teardown(() => { second.child.kill('SIGKILL') })
  t.notMatch(second.stderr(), /admin token/, 'the token is printed only on first start')
  const read = await fetch(`${second.url}/v1/organisations/${org}`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(read.status, 200)
  t.equal((await read.json() as { name: string }).name, 'Omstartskommun')
  t.equal(await stopServer(second), 0)
})

t.test('a bad configuration value stops the process with a message naming it', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root, env: { PATH: process.env['PATH'] ?? '', ...childProcessEnv(), PORT: 'not-a-port', BEHORIG_DATA_DIR: t.testdir() }, stdio: ['ignore', 'pipe', 'pipe']
  })
  let err = ''
  child.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const [code] = await once(child, 'exit') as [number]
  t.equal(code, 78)
  t.match(err, /PORT must be integer; got "not-a-port"/)
})
