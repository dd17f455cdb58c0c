import t from 'tap'
import { startServer, stopServer } from '../helpers/server-process.js'

t.test('the server writes JSON log lines only, also when a route compiles its schemas on first use', async (t) => {
  const server = await startServer({ BEHORIG_DATA_DIR: t.testdir(), BEHORIG_EMBEDDED_STORE: 'memory://', BEHORIG_ADMIN_TOKEN: 'log-lines-admin-token-0123456789abcdef', BEHORIG_DEMO: 'false' })
  t.teardown(() => { server.child.kill('SIGKILL') })
  // Each of these compiles a response serializer on first use; the catalog's conditional
  // schemas once made ajv print strict-mode warnings to stderr here.
  for (const path of ['/v1/catalog', '/v1/catalog/socialtjanst/latest', '/v1/catalog/socialtjanst/1.0.0/attributes/socialtjanst.eb.handlaggare', '/v1/catalog/nosuchdomain/latest']) {
    const res = await fetch(server.url + path)
    await res.arrayBuffer()
  }
  t.equal(await stopServer(server), 0)
  const lines = server.stdout().split('\n').filter((l) => l !== '')
  t.ok(lines.length > 3, 'the server logged its requests')
  const notJson = lines.filter((l) => { try { return typeof JSON.parse(l) !== 'object' } catch { return true } })
  t.same(notJson, [], 'every stdout line is a JSON object')
  t.equal(server.stderr(), '', 'nothing on stderr')
})
