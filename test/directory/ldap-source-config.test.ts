import t from 'tap'
import { parseLdapSourceConfig } from '../../src/directory/ldap-source-config.js'
import { ProblemError } from '../../src/http/problem.js'

const MINIMAL = { url: 'ldaps://dc1.exempel.se', bind_dn: 'cn=behorig,ou=tjanstekonton,dc=exempel,dc=se', bind_password: 'x', user_base_dn: 'ou=people,dc=exempel,dc=se' }

/** The pointers of the source-config-invalid problem that parsing `document` throws. */
function refusedAt (document: unknown): string[] {
  try {
    parseLdapSourceConfig(document)
  } catch (error) {
    if (error instanceof ProblemError && error.definition.slug === 'source-config-invalid') return (error.errors ?? []).map((e) => e.pointer)
    throw error
  }
  return []
}

t.test('fills in the schema\'s defaults without changing the input', async (t) => {
  const input = structuredClone(MINIMAL)
  const config = parseLdapSourceConfig(input)
  t.same(input, MINIMAL)
  t.match(config, {
    start_tls: false,
    tls_verify: true,
    user_filter: '(objectClass=inetOrgPerson)',
    group_filter: '(objectClass=groupOfNames)',
    page_size: 1000,
    timeout_seconds: 30,
    full_every: 24,
    attributes: { employee_number: 'employeeNumber', email: 'mail', unique_id: 'entryUUID', display_name: 'displayName', given_name: 'givenName', family_name: 'sn' }
  })
})

t.test('refuses a filter that is not exactly one filter, since readers wrap it in (&…)', async (t) => {
  t.ok(refusedAt({ ...MINIMAL, user_filter: '(objectClass=person)(uid=*)' }).includes('/config/user_filter'))
  t.ok(refusedAt({ ...MINIMAL, group_filter: '(&(objectClass=group)' }).includes('/config/group_filter'))
})

t.test('refuses turning certificate checks off', async (t) => {
  t.ok(refusedAt({ ...MINIMAL, tls_verify: false }).includes('/config/tls_verify'))
})

t.test('refuses what the schema refuses', async (t) => {
  t.ok(refusedAt({ ...MINIMAL, url: 'https://dc1' }).includes('/config/url'))
  t.ok(refusedAt({ ...MINIMAL, start_tls: true }).includes('/config/start_tls'))
})

t.test('correlation on hsa_id needs attributes.hsa_id', async (t) => {
  const base = MINIMAL
  t.same(refusedAt({ ...base, attributes: { email: 'mail' }, correlation: { match_on: ['email', 'hsa_id'] } }), ['/config/attributes'])
  const config = parseLdapSourceConfig({ ...base, attributes: { hsa_id: 'hsaIdentity' }, correlation: { match_on: ['hsa_id', 'employee_number'] } })
  t.equal(config.attributes.hsa_id, 'hsaIdentity')
  t.same(config.correlation.match_on, ['hsa_id', 'employee_number'])
  t.equal(parseLdapSourceConfig(base).attributes.hsa_id, undefined, 'not read unless configured')
})

t.test('attributes.username is read only when named', async (t) => {
  t.equal(parseLdapSourceConfig({ ...MINIMAL, attributes: { username: 'sAMAccountName' } }).attributes.username, 'sAMAccountName')
  t.equal(parseLdapSourceConfig(MINIMAL).attributes.username, undefined)
  t.same(refusedAt({ ...MINIMAL, attributes: { username: '' } }), ['/config/attributes/username'])
})
