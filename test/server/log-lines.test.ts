import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

t.test('the server writes JSON log lines only, also when a route compiles its schemas on first use', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', LOG_LEVEL: 'info', BEHORIG_DATA_DIR: t.testdir(), BEHORIG_EMBEDDED_STORE: 'memory://', BEHORIG_ADMIN_TOKEN: 'log-lines-admin-token-0123456789abcdef', BEHORIG_DEMO: 'false' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  let err = ''
  child.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve(m[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)))
  })
  // Each of these compiles a response serializer on first use; the catalog's conditional
  // schemas once made ajv print strict-mode warnings to stderr here.
  for (const path of ['/v1/catalog', '/v1/catalog/socialtjanst/latest', '/v1/catalog/socialtjanst/1.0.0/attributes/socialtjanst.eb.handlaggare', '/v1/catalog/nosuchdomain/latest']) {
    const res = await fetch(url + path)
    await res.arrayBuffer()
  }
  child.kill('SIGTERM')
  await once(child, 'exit')
  const lines = out.split('\n').filter((l) => l !== '')
  t.ok(lines.length > 3, 'the server logged its requests')
  const notJson = lines.filter((l) => { try { return typeof JSON.parse(l) !== 'object' } catch { return true } })
  t.same(notJson, [], 'every stdout line is a JSON object')
  t.equal(err, '', 'nothing on stderr')
})
