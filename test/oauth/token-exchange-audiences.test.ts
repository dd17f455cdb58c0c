import t from 'tap'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { agency, ISSUER, seededOrganisation, tokenTestApp, verifyAttributeToken } from '../tokens/helpers/token-app.js'

// Each agency trades only logins issued under its own subject_token_audiences, never another's.
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
const IDP = 'https://idp.audiences.test'

const test = await tokenTestApp()
const { app } = test
const org = await seededOrganisation(test)
const release = { attributes: ['socialtjanst.eb.handlaggare'] }
const agencyA = await agency(app, 'agency-a', { release, subject_token_audiences: ['https://sp.agency-a.example/saml', 'agency-a-at-idp'] })
await approveRelyingParty(app, org, agencyA.clientId)
const agencyB = await agency(app, 'agency-b', { release, subject_token_audiences: ['https://sp.agency-b.example/saml'] })
await approveRelyingParty(app, org, agencyB.clientId)
const agencyC = await agency(app, 'agency-c', { release })
await approveRelyingParty(app, org, agencyC.clientId)

const idpKey = await generateKeyPair('ES256', { extractable: true })
const idpJwk = { ...await exportJWK(idpKey.publicKey), kid: 'idp-1', alg: 'ES256', use: 'sig' }
// Agency B's name in the IdP's deprecated audiences list must not let agency A trade B's logins.
const registered = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/identity-provider`, headers: adminHeaders, payload: { issuer: IDP, jwks: { keys: [idpJwk] }, subject: { claim: 'employee_number', type: 'employee-number' }, audiences: ['https://sp.agency-b.example/saml', 'agency-a-at-idp'] } })
if (registered.statusCode !== 201) throw new Error(registered.body)

async function login (aud: string | string[]): Promise<string> {
  return new SignJWT({ aud, employee_number: '1001', acr: 'http://id.elegnamnden.se/loa/1.0/loa3' })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
    .setIssuer(IDP).setSubject('user-abc').setIssuedAt().setExpirationTime('5m')
    .sign(idpKey.privateKey)
}

async function exchange (party: typeof agencyA, token: string) {
  return tokenRequest(app, await clientAssertion(party.key, party.clientId, ISSUER), { grant_type: GRANT, subject_token: token, subject_token_type: JWT_TYPE })
}

t.test('an agency trades a login issued under one of its own names', async (t) => {
  for (const aud of ['https://sp.agency-a.example/saml', 'agency-a-at-idp', 'agency-a', ISSUER]) {
    const res = await exchange(agencyA, await login(aud))
    t.equal(res.statusCode, 200, `${aud}: ${res.body}`)
    t.match((await verifyAttributeToken(app, res.json().access_token, 'agency-a')).payload, { aud: 'agency-a' })
  }
})

t.test('a login issued to agency B is refused when agency A presents it', async (t) => {
  for (const aud of ['https://sp.agency-b.example/saml', 'agency-b']) {
    const res = await exchange(agencyA, await login(aud))
    t.equal(res.statusCode, 400)
    t.match(res.json(), { error: 'invalid_request', error_description: /aud/ })
  }
  t.equal((await exchange(agencyB, await login('https://sp.agency-b.example/saml'))).statusCode, 200, 'agency B itself may')
  t.equal((await exchange(agencyB, await login('agency-a-at-idp'))).statusCode, 400, 'nor B A\'s, though the IdP lists it')
})

t.test('an array aud is accepted when any of it is the calling agency\'s', async (t) => {
  t.equal((await exchange(agencyA, await login(['https://other.example', 'agency-a-at-idp']))).statusCode, 200)
  t.equal((await exchange(agencyA, await login(['https://other.example', 'https://sp.agency-b.example/saml']))).statusCode, 400)
})

t.test('without subject_token_audiences only its client_id and behorig\'s issuer are accepted', async (t) => {
  t.equal((await exchange(agencyC, await login('agency-c'))).statusCode, 200)
  t.equal((await exchange(agencyC, await login(ISSUER))).statusCode, 200)
  const res = await exchange(agencyC, await login('agency-a-at-idp'))
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_request')
})
