import t, { type Test } from 'tap'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { agency, ISSUER, requestToken, seededOrganisation, tokenTestApp, verifyAttributeToken, type Agency } from '../tokens/helpers/token-app.js'

// A login is traded only when its level of assurance meets the relying party's min_loa
// (loa3 when it names none), and the attribute token says which login it came from.
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
const IDP = 'https://idp.assurance.test'
const LOA = 'http://id.elegnamnden.se/loa/1.0/'
const UNCERTIFIED_LOA3 = 'http://id.swedenconnect.se/loa/1.0/uncertified-loa3'

const test = await tokenTestApp()
const { app } = test
const org = await seededOrganisation(test)
const release = { attributes: ['socialtjanst.eb.handlaggare'] }
const strict = await agency(app, 'strict', { release })
await approveRelyingParty(app, org, strict.clientId)
const lenient = await agency(app, 'lenient', { release, min_loa: `${LOA}loa2` })
await approveRelyingParty(app, org, lenient.clientId)

const idpKey = await generateKeyPair('ES256', { extractable: true })
const idpJwk = { ...await exportJWK(idpKey.publicKey), kid: 'idp-1', alg: 'ES256', use: 'sig' }
const registered = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/identity-provider`, headers: adminHeaders, payload: { issuer: IDP, jwks: { keys: [idpJwk] }, subject: { claim: 'employee_number', type: 'employee-number' } } })
if (registered.statusCode !== 201) throw new Error(registered.body)

async function login (aud: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ aud, employee_number: '1001', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
    .setIssuer(IDP).setSubject('user-abc').setIssuedAt().setExpirationTime('5m')
    .sign(idpKey.privateKey)
}

async function exchange (party: Agency, claims: Record<string, unknown>) {
  return tokenRequest(app, await clientAssertion(party.key, party.clientId, ISSUER), { grant_type: GRANT, subject_token: await login(party.clientId, claims), subject_token_type: JWT_TYPE })
}

function refusedForAssurance (t: Test, res: Awaited<ReturnType<typeof exchange>>, required: string, name: string): void {
  t.equal(res.statusCode, 400, `${name}: ${res.body}`)
  t.equal(res.json().error, 'invalid_request', name)
  t.equal(res.json().error_description, `the subject_token's login does not meet the level of assurance this client requires: ${required}`, name)
  t.notOk('access_token' in res.json(), name)
}

t.test('without min_loa a party trades only logins at loa3 or above', async (t) => {
  for (const acr of [`${LOA}loa3`, `${LOA}loa4`, `${LOA}eidas-sub`, `${LOA}eidas-nf-high`]) {
    t.equal((await exchange(strict, { acr })).statusCode, 200, acr)
  }
  for (const acr of [`${LOA}loa2`, `${LOA}loa1`, `${LOA}eidas-low`, UNCERTIFIED_LOA3]) {
    refusedForAssurance(t, await exchange(strict, { acr }), `${LOA}loa3`, acr)
  }
})

t.test('the refusal names the level required and never echoes the token\'s', async (t) => {
  const res = await exchange(strict, { acr: `${LOA}loa2` })
  t.notMatch(res.json().error_description, /loa2/)
})

t.test('a party whose min_loa is loa2 trades a loa2 login, and still not a loa1 one', async (t) => {
  t.equal((await exchange(lenient, { acr: `${LOA}loa2` })).statusCode, 200)
  t.equal((await exchange(lenient, { acr: UNCERTIFIED_LOA3 })).statusCode, 200, 'uncertified loa3 ranks between loa2 and loa3')
  refusedForAssurance(t, await exchange(lenient, { acr: `${LOA}loa1` }), `${LOA}loa2`, 'loa1')
})

t.test('a login with no acr, or one behorig does not know, is refused', async (t) => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['no acr', {}],
    ['an unknown URI', { acr: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport' }],
    ['a near miss in case', { acr: `${LOA}LOA3` }],
    ['https for http', { acr: `${LOA.replace('http:', 'https:')}loa3` }],
    ['a number', { acr: 3 }],
    ['a list', { acr: [`${LOA}loa3`] }]
  ]
  for (const [name, claims] of cases) {
    refusedForAssurance(t, await exchange(strict, claims), `${LOA}loa3`, `strict: ${name}`)
    refusedForAssurance(t, await exchange(lenient, claims), `${LOA}loa2`, `lenient: ${name}`)
  }
})

t.test('the exchanged token carries the login\'s acr and auth_time; a direct lookup carries neither', async (t) => {
  const authTime = Math.floor(Date.now() / 1000) - 120
  const res = await exchange(strict, { acr: `${LOA}loa4`, auth_time: authTime })
  t.equal(res.statusCode, 200, res.body)
  const { payload } = await verifyAttributeToken(app, res.json().access_token, 'strict')
  t.equal(payload['acr'], `${LOA}loa4`)
  t.equal(payload['auth_time'], authTime)

  const withoutTime = await exchange(strict, { acr: `${LOA}loa3`, auth_time: 'this morning' })
  t.equal(withoutTime.statusCode, 200, withoutTime.body)
  const second = (await verifyAttributeToken(app, withoutTime.json().access_token, 'strict')).payload
  t.equal(second['acr'], `${LOA}loa3`)
  t.notOk('auth_time' in second, 'an auth_time that is not a number is left out')

  const direct = await requestToken(app, await strict.bearer(), { type: 'employee-number', value: '1001', organisation: org })
  t.equal(direct.statusCode, 200, direct.body)
  const looked = (await verifyAttributeToken(app, direct.json().attribute_token, 'strict')).payload
  t.notOk('acr' in looked, 'no acr: no one logged in')
  t.notOk('auth_time' in looked, 'no auth_time')
})

t.test('min_loa must be a known level URI', async (t) => {
  const res = await app.inject({ method: 'PUT', url: '/v1/relying-parties/strict', headers: adminHeaders, payload: { name: 'x', organisation: '2021005521', jwks: { keys: [strict.key.publicJwk] }, release, min_loa: 'loa3' } })
  t.equal(res.statusCode, 422, res.body)
  t.match(res.json().errors, [{ pointer: '/min_loa' }])
  const shown = (await app.inject({ method: 'GET', url: '/v1/relying-parties/lenient', headers: adminHeaders })).json()
  t.equal(shown.min_loa, `${LOA}loa2`)
})
