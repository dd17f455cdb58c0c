import t from 'tap'
import { ProblemError } from '../../src/http/problem.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { loopbackGuard } from '../helpers/outbound.js'
import { parseLdapSourceConfig } from '../../src/directory/ldap-source-config.js'
import type { DirectoryAccount } from '../../src/directory/directory-records.js'
import { requireLdap } from '../helpers/services.js'
import { startTlsSlapd } from './helpers/tls-slapd.js'

const slapd = await startTlsSlapd(requireLdap())
t.teardown(slapd.stop)

function config (overrides: Record<string, unknown>): ReturnType<typeof parseLdapSourceConfig> {
  return parseLdapSourceConfig({
    url: `ldaps://localhost:${slapd.tlsPort}`,
    bind_dn: slapd.bindDN,
    bind_password: slapd.bindPassword,
    user_base_dn: `ou=people,${slapd.baseDN}`,
    timeout_seconds: 5,
    ...overrides
  })
}

async function read (overrides: Record<string, unknown>): Promise<DirectoryAccount[] | ProblemError> {
  const accounts: DirectoryAccount[] = []
  try {
    for await (const account of ldapReader(config(overrides), loopbackGuard).readAccounts()) accounts.push(account)
  } catch (error) {
    if (error instanceof ProblemError) return error
    throw error
  }
  return accounts
}

t.test('ldaps:// with the CA in ca_pem reads the directory', async (t) => {
  const accounts = await read({ ca_pem: slapd.caPem })
  t.same(Array.isArray(accounts) && accounts.map((a) => a.employee_number), ['100301'])
})

t.test('StartTLS on ldap:// with the CA in ca_pem reads the directory', async (t) => {
  const accounts = await read({ url: `ldap://localhost:${slapd.plainPort}`, start_tls: true, ca_pem: slapd.caPem })
  t.same(Array.isArray(accounts) && accounts.map((a) => a.employee_number), ['100301'])
})

t.test('a certificate from a CA the source does not trust is rejected', async (t) => {
  for (const overrides of [{}, { url: `ldap://localhost:${slapd.plainPort}`, start_tls: true }]) {
    const problem = await read(overrides)
    t.ok(problem instanceof ProblemError, JSON.stringify(overrides))
    t.match(problem, { definition: { slug: 'directory-tls-failed', status: 502 }, detail: /certificate of the directory at localhost:\d+ was not accepted: .*Give the issuing CA in ca_pem/ })
  }
})

t.test('a certificate for another host name is rejected even from a trusted CA', async (t) => {
  const problem = await read({ url: `ldaps://127.0.0.1:${slapd.tlsPort}`, ca_pem: slapd.caPem })
  t.match(problem, { definition: { slug: 'directory-tls-failed' }, detail: /127\.0\.0\.1:\d+ was not accepted: .*ERR_TLS_CERT_ALTNAME_INVALID.*Use the host name the certificate was issued for/ })
})

t.test('a server without TLS: StartTLS is refused, ldaps:// is reset; nothing is sent in clear', async (t) => {
  const plain = new URL(requireLdap().url)
  const startTls = await read({ url: `ldap://localhost:${plain.port}`, start_tls: true, user_base_dn: slapd.baseDN })
  t.match(startTls, { definition: { slug: 'directory-tls-failed' }, detail: /refused StartTLS: protocolError \(2\); the server said: unsupported extended operation\. Use ldaps:\/\// })
  const ldaps = await read({ url: `ldaps://localhost:${plain.port}`, user_base_dn: slapd.baseDN })
  t.match(ldaps, { definition: { slug: 'directory-unavailable' }, detail: new RegExp(`connection reset \\(is port ${plain.port} an ldaps port\\?\\)`) })
})
