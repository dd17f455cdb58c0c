import t from 'tap'
import { adminHeaders, buildTestApp, defaultStoreKind, openTestStore, type StoreKind, type TestApp } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'
import { ENTERPRISE_USER_SCHEMA, scimClient } from '../scim/helpers/scim-client.js'
import type { NamedSubject } from '../../src/tokens/subject-lookup.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { LOA3, SAML_ATTRIBUTE, samlTestIdp } from '../helpers/saml-idp.js'
import { agency, ISSUER, requestToken, seededOrganisation, verifyAttributeToken } from './helpers/token-app.js'

/**
 * A municipal login may name its person by eduPersonPrincipalName, which is a directory
 * account's user name (here a SCIM User's userName): the lookup finds the person that
 * account is linked to. The lookup is SQL (behorig_token_subject): both stores run it.
 */
const kinds: StoreKind[] = defaultStoreKind() === 'postgres' ? ['postgres', 'pglite'] : ['pglite']

/** The token tests' organisation (HR people 1001–1003, the mapping) with a scim source pushing to it. */
async function organisationWithScim (test: TestApp) {
  const org = await seededOrganisation(test)
  const res = await test.app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'entra', kind: 'scim', config: {} } })
  if (res.statusCode !== 201) throw new Error(`creating the scim source failed: ${res.statusCode} ${res.body}`)
  return { org, scim: scimClient(test.app, { org, source: 'entra', auth: await test.apiKeyHeaders(org, ['scim']) }) }
}

const employee = (employeeNumber: string) => ({ [ENTERPRISE_USER_SCHEMA]: { employeeNumber } })

for (const kind of kinds) {
  t.test(`on ${kind}`, async (t) => {
    const test = await buildTestApp(await openTestStore(kind), { BEHORIG_ISSUER: ISSUER })
    const { app } = test
    const { org, scim } = await organisationWithScim(test)
    const anna = await scim.createUser('Anna.Svensson@exempelkommun.se', employee('1001'))
    const bo = await scim.createUser('bo.ek@exempelkommun.se', employee('1002'))
    await scim.createUser('konsult@byra.se', employee('9999'))
    await agency(app, 'fk', { release: { attributes: ['socialtjanst.eb.handlaggare', 'socialtjanst.bu.handlaggare'] } })
    await approveRelyingParty(app, org, 'fk')
    const tokens = app.behorig.tokenServices.attributeTokens
    const sub = async (named: NamedSubject) => (await verifyAttributeToken(app, (await tokens.issueFor('fk', org, named, undefined, {})).attribute_token, 'fk')).payload.sub
    const refusal = (value: string) => tokens.issueFor('fk', org, { type: 'username', value }, undefined, {}).then(() => undefined, (error: unknown) => error)

    t.test('a user name names the person its account is linked to, whatever its case', async (t) => {
      const byNumber = await sub({ type: 'employee-number', value: '1001' })
      t.equal(await sub({ type: 'username', value: 'Anna.Svensson@exempelkommun.se' }), byNumber)
      t.equal(await sub({ type: 'username', value: 'anna.svensson@EXEMPELKOMMUN.SE' }), byNumber, 'compared case-insensitively')
      t.equal(await sub({ type: 'username', value: 'bo.ek@exempelkommun.se' }), await sub({ type: 'employee-number', value: '1002' }))
      t.not(byNumber, await sub({ type: 'employee-number', value: '1002' }))
    })

    t.test('a SAML login naming the person by eduPersonPrincipalName is exchanged for that person\'s token', async (t) => {
      const SP = 'https://e-tjanst.fk.test/sp'
      const idp = await samlTestIdp({ entityId: `https://idp.exempelkommun.test/${kind}` })
      const registered = await app.inject({ method: 'PUT', url: `/v1/identity-providers/eppn-${kind}`, headers: adminHeaders, payload: { kind: 'saml', organisations: [org], saml: { metadata_xml: idp.metadata() }, subject: { match: ['eppn'] } } })
      t.equal(registered.statusCode, 201, registered.body)
      const party = await agency(app, 'fk-eppn', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, subject_token_audiences: [SP] })
      await approveRelyingParty(app, org, party.clientId)
      const exchange = async (eppn: string) => tokenRequest(app, await clientAssertion(party.key, 'fk-eppn', ISSUER), {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token_type: 'urn:ietf:params:oauth:token-type:saml2',
        subject_token: Buffer.from(await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.eduPersonPrincipalName]: [eppn] } })).toString('base64url')
      })
      const res = await exchange('anna.svensson@exempelkommun.se')
      t.equal(res.statusCode, 200, res.body)
      const { payload } = await verifyAttributeToken(app, res.json().access_token, 'fk-eppn')
      const direct = await verifyAttributeToken(app, (await tokens.issueFor('fk-eppn', org, { type: 'employee-number', value: '1001' }, undefined, {})).attribute_token, 'fk-eppn')
      t.equal(payload.sub, direct.payload.sub, 'the person HR knows as 1001')
      t.equal(payload['acr'], LOA3)
      const stranger = await exchange('konsult@byra.se')
      t.equal(stranger.statusCode, 400, 'an account linked to no one names no one')
      t.equal(stranger.json().error_description, 'no attributes this client may receive for the person the subject_token names')
    })

    t.test('a user name no account has, or whose account is linked to no one, names no one', async (t) => {
      t.match(await refusal('nobody@exempelkommun.se'), { definition: { slug: 'subject-not-found', status: 404 } })
      t.match(await refusal('konsult@byra.se'), { definition: { slug: 'subject-not-found' } }, 'an account HR knows no person for')
      t.match(await refusal('anna.svensson'), { definition: { slug: 'subject-not-found' } }, 'the whole name, not a prefix')
    })

    t.test('a suspended or deleted account names no one; a renamed one answers to its new name only', async (t) => {
      await scim.patch(`/Users/${bo.id}`, [{ op: 'replace', path: 'active', value: false }])
      t.match(await refusal('bo.ek@exempelkommun.se'), { definition: { slug: 'subject-not-found' } }, 'suspended')
      await scim.patch(`/Users/${bo.id}`, [{ op: 'replace', path: 'active', value: true }])
      t.ok(await sub({ type: 'username', value: 'bo.ek@exempelkommun.se' }), 'active again')

      await scim.patch(`/Users/${anna.id}`, [{ op: 'replace', path: 'userName', value: 'anna.s@exempelkommun.se' }])
      t.match(await refusal('anna.svensson@exempelkommun.se'), { definition: { slug: 'subject-not-found' } }, 'the old name')
      t.equal(await sub({ type: 'username', value: 'anna.s@exempelkommun.se' }), await sub({ type: 'employee-number', value: '1001' }))
      t.equal((await scim.delete(`/Users/${anna.id}`)).statusCode, 204)
      t.match(await refusal('anna.s@exempelkommun.se'), { definition: { slug: 'subject-not-found' } }, 'deleted: the account has ended')
    })

    t.test('a relying party cannot name a person by user name: it is no subject type of the API', async (t) => {
      const bearer = await (await agency(app, 'fk-api', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })).bearer()
      const res = await requestToken(app, bearer, { type: 'username', value: 'bo.ek@exempelkommun.se', organisation: org })
      t.equal(res.statusCode, 400)
      t.equal(res.json().type, problemType('validation-failed', ISSUER))
    })
  })
}
