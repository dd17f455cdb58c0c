/**
 * The lookup by user name across an organisation's directory sources, against the real
 * slapd and PostgreSQL: an ldap source reading uid and a scim source may both know a name.
 */
import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { requireLdap } from '../helpers/services.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { person, setUpMunicipality, syncAndWait } from '../directory/helpers/ldap-sync.js'
import { ENTERPRISE_USER_SCHEMA, scimClient } from '../scim/helpers/scim-client.js'
import { approveRelyingParty, registerRelyingParty, relyingPartyDocument, clientKey } from '../helpers/relying-party.js'
import { tokenSubjectReader } from '../../src/tokens/attribute-token-repository.js'

const ldap = requireLdap()
const store = await openTestStore()
const testApp = await buildTestApp(store, allowLoopbackFetch)
const { app } = testApp

t.test('one person\'s accounts in two sources name them; two people\'s accounts under one name name no one', async (t) => {
  const { org } = await setUpMunicipality(t, testApp, ldap, { config: { attributes: { disabled: 'employeeType', username: 'uid' } } })
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'entra', kind: 'scim', config: {} } })
  t.equal(res.statusCode, 201, res.body)
  const scim = scimClient(app, { org, source: 'entra', auth: await testApp.apiKeyHeaders(org, ['scim']) })
  await registerRelyingParty(app, 'fk', relyingPartyDocument([await clientKey()]))
  await approveRelyingParty(app, org, 'fk')
  const reader = tokenSubjectReader(store.db)
  const found = async (value: string) => (await reader.find('fk', org, { by: 'username', value })).subject?.id
  const [anna, karin] = [(await person(app, org, '100234')).id, (await person(app, org, '100501')).id]

  t.equal(await found('ANNA.SVENSSON'), anna, 'her directory uid, whatever its case')
  await scim.createUser('Karin.Nilsson', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100501' } })
  t.equal(await found('karin.nilsson'), karin, 'her directory account and her SCIM user are one person')

  await scim.createUser('anna.svensson', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100501' } })
  t.equal(await found('anna.svensson'), undefined, 'Anna\'s uid is also the name of Karin\'s SCIM user: no one is chosen')
  t.equal(await found('karin.nilsson'), karin)
})
