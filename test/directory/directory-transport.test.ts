import t from 'tap'
import { createServer, type Socket } from 'node:net'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { parseLdapSourceConfig } from '../../src/directory/ldap-source-config.js'
import { outboundGuard } from '../../src/net/outbound-guard.js'

// A TCP server that counts connections: a refused directory must not even be connected to.
let connections = 0
const sockets = new Set<Socket>()
const listener = createServer((socket) => { connections++; sockets.add(socket); socket.on('error', () => undefined) })
await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
const port = (listener.address() as { port: number }).port
t.teardown(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); listener.close(() => resolve()) }))

const store = await openTestStore()
const strict = await buildTestApp(store)
const closedNetwork = await buildTestApp(store, { BEHORIG_ALLOW_PRIVATE_FETCH: 'dc1.intern.exempel.se' })

const source = (config: Record<string, unknown>) => ({
  id: 'ad',
  kind: 'ldap',
  config: { bind_dn: 'cn=behorig,ou=service,dc=exempel,dc=se', bind_password: 'Hemligt-Lösen-123', user_base_dn: 'ou=people,dc=exempel,dc=se', ...config }
})

t.test('an ldap:// source without StartTLS is refused at registration and update, pointing at its url', async (t) => {
  const org = await strict.createOrganisation()
  const path = `/v1/organisations/${org}/sources`
  const plain = await strict.app.inject({ method: 'POST', url: path, headers: adminHeaders, payload: source({ url: 'ldap://dc1.exempel.se' }) })
  t.equal(plain.statusCode, 422)
  t.equal(plain.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(plain.json(), { type: problemType('source-config-invalid'), errors: [{ pointer: '/config/url', detail: /clear text.*ldaps:\/\/.*start_tls/ }] })

  const withTls = await strict.app.inject({ method: 'POST', url: path, headers: adminHeaders, payload: source({ url: 'ldap://dc1.exempel.se', start_tls: true }) })
  t.equal(withTls.statusCode, 201, withTls.body)
  t.match(withTls.json().config, { url: 'ldap://dc1.exempel.se', start_tls: true, tls_verify: true })
  const downgrade = await strict.app.inject({ method: 'PUT', url: `${path}/ad`, headers: adminHeaders, payload: source({ url: 'ldap://dc1.exempel.se', start_tls: false }) })
  t.equal(downgrade.statusCode, 422)
  t.match(downgrade.json(), { errors: [{ pointer: '/config/url' }] })
  t.equal((await strict.app.inject({ method: 'POST', url: path, headers: adminHeaders, payload: { ...source({ url: 'ldaps://dc1.exempel.se' }), id: 'ad2' } })).statusCode, 201)
})

t.test('a directory on the exception list may use plain ldap://, and its view does not claim TLS', async (t) => {
  const org = await closedNetwork.createOrganisation()
  const res = await closedNetwork.app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: source({ url: 'ldap://dc1.intern.exempel.se' }) })
  t.equal(res.statusCode, 201, res.body)
  t.notOk('tls_verify' in res.json().config, 'no tls_verify: true on a connection without TLS')
  t.equal(res.json().config.start_tls, false)
  const other = await closedNetwork.app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { ...source({ url: 'ldap://dc2.intern.exempel.se' }), id: 'dc2' } })
  t.equal(other.statusCode, 422, 'only the host named')
})

t.test('at connect time, plain ldap:// and non-public addresses are refused before a connection is made', async (t) => {
  const config = (url: string, extra: Record<string, unknown> = {}) => parseLdapSourceConfig({ ...source({ url, timeout_seconds: 2, ...extra }).config })
  const noExceptions = outboundGuard({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] })
  const refusal = { name: 'ProblemError', definition: { slug: 'source-config-invalid' }, errors: [{ pointer: '/config/url' }] }
  await t.rejects(ldapReader(config(`ldap://dc1.exempel.se:${port}`), noExceptions).readAccounts().next(), { ...refusal, errors: [{ pointer: '/config/url', detail: /clear text/ }] }, 'plain text')
  await t.rejects(ldapReader(config(`ldaps://127.0.0.1:${port}`), noExceptions).readAccounts().next(), { ...refusal, errors: [{ pointer: '/config/url', detail: /loopback/ }] }, 'a loopback address')
  await t.rejects(ldapReader(config(`ldap://directory.test:${port}`, { start_tls: true }), noExceptions).readAccounts().next(), { ...refusal, errors: [{ pointer: '/config/url', detail: /resolves to a loopback/ }] }, 'a name resolving to one')
  t.equal(connections, 0, 'nothing reached the server')
})
