import t from 'tap'
import { Writable } from 'node:stream'
import { ADMIN_TOKEN, adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, csv, importAndWait } from '../helpers/sync.js'

// Everything the service logs at the most verbose level, for one realistic session.
let logs = ''
const logStream = new Writable({ write (chunk: Buffer, _enc, done) { logs += chunk.toString(); done() } })
const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store, { LOG_LEVEL: 'trace' }, { logStream })

t.test('tokens, API keys, source passwords and personnummer never reach the log', async (t) => {
  const org = await createOrganisation()
  const key = await apiKeyHeaders(org, ['sources:write', 'sources:read', 'people:read'])
  await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'ad', kind: 'ldap', config: { url: 'ldaps://dc1.exempel.se', bind_dn: 'cn=svc,dc=exempel,dc=se', bind_password: 'Lösen-I-Loggen-42', user_base_dn: 'ou=people,dc=exempel,dc=se', group_base_dn: 'ou=groups,dc=exempel,dc=se', attributes: { employee_number: 'employeeNumber' } } } })
  await createHrSource(app, org)
  await importAndWait(app, org, csv([{ employee_number: '1', unit_id: 'soc', personal_identity_number: '198112289874' }, { employee_number: '2', unit_id: 'soc', personal_identity_number: '198112289875' }]))
  await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people`, headers: key })
  await app.inject({ method: 'GET', url: '/v1/organisations', headers: { authorization: 'Bearer not-the-admin-token-but-secret' } })

  t.ok(logs.length > 1000, 'the session was logged')
  for (const secret of [ADMIN_TOKEN, key.authorization.slice(7), 'Lösen-I-Loggen-42', '198112289874', '198112289875', '19811228', 'not-the-admin-token-but-secret']) {
    t.notOk(logs.includes(secret), `${secret.slice(0, 6)}… is not in the log`)
  }
})

t.test('a database error\'s statement parameters are not logged', async (t) => {
  const before = logs.length
  app.log.error({ err: Object.assign(new Error('insert failed'), { params: ['Anna Svensson', 'anna@exempel.se'] }) }, 'statement failed')
  const line = logs.slice(before)
  t.match(line, /insert failed/, 'the error itself is logged')
  t.notMatch(line, /Anna Svensson|anna@exempel\.se/, 'its parameters are not')
})
