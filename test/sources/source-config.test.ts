import t from 'tap'
import { ProblemError } from '../../src/http/problem.js'
import { parseSourceConfig, validateSourceConfig } from '../../src/sources/source-config.js'
import { cronProblem } from '../../src/config/cron-schedule.js'

// The example in DESIGN.md, "Source config".
const designLdap = {
  id: 'ad',
  kind: 'ldap',
  schedule: '*/15 * * * *',
  safety: { max_end_percent: 10 },
  config: {
    url: 'ldaps://dc1.exempel.se',
    bind_dn: '…',
    bind_password: '…',
    user_base_dn: 'ou=people,dc=exempel,dc=se',
    user_filter: '(objectClass=inetOrgPerson)',
    group_base_dn: 'ou=groups,dc=exempel,dc=se',
    group_filter: '(objectClass=groupOfNames)',
    attributes: { employee_number: 'employeeNumber', email: 'mail', unique_id: 'entryUUID', display_name: 'displayName' },
    page_size: 1000
  }
}

function errorsOf (document: unknown): Array<[string, string]> {
  const result = validateSourceConfig(document)
  return result.ok ? [] : result.errors.map((e) => [e.pointer, e.detail])
}

t.test('accepts the LDAP example from DESIGN.md and fills in defaults', async (t) => {
  const result = validateSourceConfig(designLdap)
  if (!result.ok) return t.fail(JSON.stringify(result.errors))
  t.match(result.source.config, { start_tls: false, tls_verify: true, full_every: 24, attributes: { given_name: 'givenName', family_name: 'sn' }, correlation: { match_on: ['employee_number', 'email'] } })
  t.notOk('start_tls' in designLdap.config, 'the input is not modified')
})

t.test('accepts hr sources: upload-only, and pulled over HTTPS on a schedule', async (t) => {
  const upload = validateSourceConfig({ id: 'personec', kind: 'hr' })
  t.same(upload, { ok: true, source: { id: 'personec', kind: 'hr', schedule: null, safety: { max_end_percent: 10 }, config: {} } })
  t.same(errorsOf({ id: 'hr-pull', kind: 'hr', schedule: '0 2 * * 1-5', config: { url: 'https://hr.exempel.se/export.csv', bearer_token: 's3cret', format: 'csv' } }), [])
})

t.test('accepts a scim source without settings', async (t) => {
  t.match(validateSourceConfig({ id: 'entra', kind: 'scim' }), { ok: true, source: { schedule: null, config: { accept_groups: true, correlation: { match_on: ['employee_number', 'email'] } } } })
})

t.test('points at each mistake', async (t) => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['unknown kind', { id: 'x', kind: 'excel' }, '/kind', /one of: hr, scim, ldap/],
    ['bad id', { id: 'AD_1', kind: 'hr' }, '/id', /lower-case/],
    ['http URL for hr', { id: 'x', kind: 'hr', config: { url: 'http://hr.exempel.se/x.csv' } }, '/config/url', /https/],
    ['https URL for ldap', { ...designLdap, config: { ...designLdap.config, url: 'https://dc1.exempel.se' } }, '/config/url', /ldap/],
    ['bad cron', { ...designLdap, schedule: '61 * * * *' }, '/schedule', /not a valid cron expression/],
    ['four cron fields', { ...designLdap, schedule: '* * * *' }, '/schedule', /five fields/],
    ['seconds field', { ...designLdap, schedule: '0 */15 * * * *' }, '/schedule', /five fields/],
    ['threshold above 100', { ...designLdap, safety: { max_end_percent: 150 } }, '/safety/max_end_percent', /<= 100/],
    ['scim with a schedule', { id: 'x', kind: 'scim', schedule: '@daily' }, '/schedule', /pushed to/],
    ['hr schedule without url', { id: 'x', kind: 'hr', schedule: '@daily' }, '/config/url', /required/],
    ['ldap without config', { id: 'x', kind: 'ldap' }, '/config', /required/],
    ['ldap without base DN', { ...designLdap, config: { url: 'ldap://dc1' } }, '/config/user_base_dn', /required/],
    ['StartTLS on ldaps', { ...designLdap, config: { ...designLdap.config, start_tls: true } }, '/config/start_tls', /TLS already/],
    ['password without bind DN', { id: 'x', kind: 'ldap', config: { url: 'ldap://dc1', user_base_dn: 'dc=x', bind_password: 'p' } }, '/config/bind_dn', /required/],
    ['filter without parentheses', { ...designLdap, config: { ...designLdap.config, user_filter: 'objectClass=person' } }, '/config/user_filter', /parentheses/],
    ['unknown setting', { ...designLdap, config: { ...designLdap.config, pagesize: 10 } }, '/config/pagesize', /not a known setting/],
    ['disabled rule without attribute', { ...designLdap, config: { ...designLdap.config, disabled_attribute: { bitmask: 2 } } }, '/config/attributes/disabled', /required/]
  ]
  for (const [name, document, pointer, detail] of cases) {
    const errors = errorsOf(document)
    const hit = errors.find(([p]) => p === pointer)
    t.ok(hit, `${name}: error at ${pointer} (got ${JSON.stringify(errors)})`)
    if (hit) t.match(hit[1], detail, name)
  }
})

t.test('accepts the usual schedules', async (t) => {
  for (const schedule of ['*/15 * * * *', '0 2 * * 1-5', '30 6,18 * * *', '@daily', '@hourly']) t.equal(cronProblem(schedule), undefined, schedule)
})

t.test('parseSourceConfig throws source-config-invalid with the pointers', async (t) => {
  try {
    parseSourceConfig({ id: 'x', kind: 'nope' })
    t.fail('expected a problem')
  } catch (error) {
    t.ok(error instanceof ProblemError)
    if (error instanceof ProblemError) {
      t.equal(error.definition.slug, 'source-config-invalid')
      t.equal(error.status, 422)
      t.same(error.errors?.map((e) => e.pointer), ['/kind'])
    }
  }
  t.equal(parseSourceConfig(designLdap).id, 'ad')
})
