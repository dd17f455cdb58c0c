/**
 * The stored bind password goes only to the directory and account it was given for: a key
 * that may write sources but not read their secrets points the source at a directory it
 * runs, and that directory never sees the password.
 */
import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { requireLdap } from '../helpers/services.js'
import { waitForRun } from '../helpers/sync.js'
import { ldapSourceConfig, setUpMunicipality, syncAndWait } from './helpers/ldap-sync.js'
import { recordingRelay } from './helpers/tcp-stand-ins.js'
import { problemType } from '../helpers/problem-type.js'

const ldap = requireLdap()
const store = await openTestStore()
const testApp = await buildTestApp(store, allowLoopbackFetch)
const { app } = testApp

t.test('a new directory url without the password clears it, and the new directory never receives it', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap)
  const target = new URL(ldap.url)
  // Someone else's directory: a listener that keeps what arrives (and passes it on to slapd).
  const foreign = await recordingRelay({ host: target.hostname, port: Number(target.port) })
  t.teardown(foreign.close)
  const writer = await testApp.apiKeyHeaders(org, ['sources:write'])

  const moved = await app.inject({
    method: 'PUT',
    url: `/v1/organisations/${org}/sources/ad`,
    headers: writer,
    payload: { kind: 'ldap', safety: { max_end_percent: 10 }, config: ldapSourceConfig(ldap, directory, { url: foreign.url, bind_password: undefined }) }
  })
  t.equal(moved.statusCode, 200, moved.body)
  t.same(moved.json().secrets_configured, [], 'the password is not kept for the new url')

  const sync = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/ad/sync`, headers: writer })
  t.equal(sync.statusCode, 202, sync.body)
  const run = await waitForRun(app, org, sync.json().run_id)
  t.match(run, { state: 'failed', error: { type: problemType('directory-bind-refused'), detail: /No password is set for the bind DN/ } })
  t.notOk(foreign.received().includes(ldap.bindPassword), 'the password never reached the new directory')

  const audit = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/audit?action=source.updated`, headers: adminHeaders })
  t.match(audit.json().items, [{ action: 'source.updated', details: { source: 'ad', changed: ['/config/bind_password', '/config/url'], secrets_cleared: ['bind_password'] } }])
  t.notOk(audit.body.includes(ldap.bindPassword))

  // The admin, who knows the password, sends it again with the new url: it is used there.
  const resent = await app.inject({
    method: 'PUT',
    url: `/v1/organisations/${org}/sources/ad`,
    headers: adminHeaders,
    payload: { kind: 'ldap', safety: { max_end_percent: 10 }, config: ldapSourceConfig(ldap, directory, { url: foreign.url }) }
  })
  t.same(resent.json().secrets_configured, ['bind_password'])
  t.match(await syncAndWait(app, org), { state: 'succeeded', counts: { read: 23 } })
  t.ok(foreign.received().includes(ldap.bindPassword), 'the listener does see a password that is sent to it')
})

t.test('a new bind DN without the password clears it: the password is not tried for another account', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap)
  const res = await app.inject({
    method: 'PUT',
    url: `/v1/organisations/${org}/sources/ad`,
    headers: adminHeaders,
    payload: { kind: 'ldap', safety: { max_end_percent: 10 }, config: ldapSourceConfig(ldap, directory, { bind_dn: `cn=nagon-annan,${ldap.baseDN}`, bind_password: undefined }) }
  })
  t.same(res.json().secrets_configured, [])
  t.match(await syncAndWait(app, org), { state: 'failed', error: { type: problemType('directory-bind-refused'), detail: /No password is set/ } })
})
