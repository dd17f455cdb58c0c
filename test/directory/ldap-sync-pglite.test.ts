/**
 * The embedded store runs ldap sources with the same SQL: one full and one incremental run
 * against the real slapd on PGlite.
 */
import t from 'tap'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { requireLdap } from '../helpers/services.js'
import { dnKey } from '../../src/directory/directory-records.js'
import { expectedGroups, groupsOf, latestChange, modifyAfter, setUpMunicipality, syncAndWait } from './helpers/ldap-sync.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'

const ldap = requireLdap()
const store = await openTestStore('pglite')
const testApp = await buildTestApp(store, allowLoopbackFetch)
const { app } = testApp

t.test('on PGlite, a full run links accounts and resolves nested groups, and an incremental run follows', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, { config: { page_size: 7 } })
  const g = directory.groups
  const full = await syncAndWait(app, org)
  t.match(full, { state: 'succeeded', mode: 'full', counts: { read: 23, created: 23, unmatched: 1 } })
  t.match(full.unmatched, [{ dn: dnKey(directory.users['nils'] as string), reason: 'no-match' }])
  t.same(await groupsOf(app, org, '100234'), expectedGroups([g.ebNorr, []], [g.handlaggareEb, []], [g.ebHandlaggare, [g.ebNorr]], [g.alla, [g.ebNorr, g.ebHandlaggare]]))
  t.same(await groupsOf(app, org, '100404'), {}, 'the disabled account grants nothing')

  await modifyAfter(ldap, directory.users['anna'] as string, 'employeeType', 'disabled', await latestChange(ldap, directory.peopleDn))
  const incremental = await syncAndWait(app, org)
  t.match(incremental, { state: 'succeeded', mode: 'incremental', counts: { updated: 1, ended: 0 } })
  t.same(await groupsOf(app, org, '100234'), {}, 'Anna, disabled since, has no groups')
})
