import t from 'tap'
import { parseSourceConfig } from '../../src/sources/source-config.js'
import { configuredSecrets, mergeSecrets, redactSecrets, SECRET_FIELDS, splitSecrets } from '../../src/sources/source-secrets.js'
import { readSourceSchema } from '../../src/sources/source-schemas.js'

const ldap = parseSourceConfig({
  id: 'ad',
  kind: 'ldap',
  config: { url: 'ldaps://dc1.exempel.se', bind_dn: 'cn=behorig,ou=svc,dc=exempel,dc=se', bind_password: 'hemligt', user_base_dn: 'ou=people,dc=exempel,dc=se' }
})
const hr = parseSourceConfig({
  id: 'hr',
  kind: 'hr',
  schedule: '0 2 * * *',
  config: { url: 'https://hr.exempel.se/export', bearer_token: 'tok', headers: { 'X-Api-Key': 'k' }, format: 'json' }
})

t.test('splits secrets from the rest and puts them back', async (t) => {
  const { publicConfig, secrets } = splitSecrets(ldap)
  t.same(secrets, { bind_password: 'hemligt' })
  t.notOk('bind_password' in publicConfig.config)
  t.equal(publicConfig.config.bind_dn, 'cn=behorig,ou=svc,dc=exempel,dc=se')
  t.same(mergeSecrets(publicConfig, secrets), ldap)
  t.equal(ldap.config.bind_password, 'hemligt', 'the input keeps its secret')
})

t.test('hr sources keep their bearer token and headers secret', async (t) => {
  const { publicConfig, secrets } = splitSecrets(hr)
  t.same(secrets, { bearer_token: 'tok', headers: { 'X-Api-Key': 'k' } })
  t.same(publicConfig.config, { url: 'https://hr.exempel.se/export', format: 'json' })
})

t.test('redaction omits secrets rather than masking them', async (t) => {
  const shown = redactSecrets(ldap)
  t.notMatch(JSON.stringify(shown), 'hemligt')
  t.notMatch(JSON.stringify(shown), '***')
  t.same(configuredSecrets(ldap), ['bind_password'])
  t.same(configuredSecrets(redactSecrets(hr)), [])
})

t.test('merging ignores names that are not secrets of the kind', async (t) => {
  const merged = mergeSecrets(splitSecrets(ldap).publicConfig, { bind_password: 'p', url: 'ldap://evil' })
  t.equal(merged.config.url, 'ldaps://dc1.exempel.se')
  t.equal(merged.config.bind_password, 'p')
})

t.test('the schemas mark exactly the secret fields writeOnly', async (t) => {
  const files = { hr: 'source-hr.schema.json', scim: 'source-scim.schema.json', ldap: 'source-ldap.schema.json' } as const
  for (const [kind, file] of Object.entries(files) as Array<[keyof typeof files, typeof files[keyof typeof files]]>) {
    const properties = readSourceSchema(file).properties as Record<string, { writeOnly?: boolean }>
    const writeOnly = Object.keys(properties).filter((name) => properties[name]?.writeOnly === true).sort()
    t.same(writeOnly, [...SECRET_FIELDS[kind]].sort(), kind)
  }
})
