import t from 'tap'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { agency, ISSUER, requestToken, seededOrganisation, tokenTestApp, verifyAttributeToken } from '../tokens/helpers/token-app.js'
import { problemType } from '../helpers/problem-type.js'

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token'
const IDP = 'https://idp.exempelkommun.test'
const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3'

const test = await tokenTestApp()
const { app } = test
const org = await seededOrganisation(test)
const fk = await agency(app, 'fk', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, subject_token_audiences: ['e-tjanst-at-idp'] })
await approveRelyingParty(app, org, fk.clientId)

/** The municipality's IdP, as a test key pair made with jose. */
const idpKey = await generateKeyPair('ES256', { extractable: true })
const idpJwk = { ...await exportJWK(idpKey.publicKey), kid: 'idp-1', alg: 'ES256', use: 'sig' }
const strangerKey = await generateKeyPair('ES256')

const registerIdp = (organisation: string, document: Record<string, unknown>) =>
  app.inject({ method: 'PUT', url: `/v1/organisations/${organisation}/identity-provider`, headers: adminHeaders, payload: document })
const idpDocument = { issuer: IDP, jwks: { keys: [idpJwk] }, subject: { claim: 'employee_number', type: 'employee-number' } }

async function subjectToken (claims: Record<string, unknown>, options: { key?: typeof strangerKey.privateKey, exp?: number, issuer?: string } = {}): Promise<string> {
  return new SignJWT({ aud: 'fk', acr: LOA3, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
    .setIssuer(options.issuer ?? IDP).setSubject('user-abc').setIssuedAt().setExpirationTime(options.exp ?? '5m')
    .sign(options.key ?? idpKey.privateKey)
}

async function exchange (token: string, extra: Record<string, string> = {}) {
  return tokenRequest(app, await clientAssertion(fk.key, 'fk', ISSUER), { grant_type: GRANT, subject_token: token, subject_token_type: JWT_TYPE, requested_token_type: JWT_TYPE, ...extra })
}

t.test('the platform admin registers an organisation\'s identity provider', async (t) => {
  const created = await registerIdp(org, idpDocument)
  t.equal(created.statusCode, 201, created.body)
  t.match(created.json(), { organisation: org, issuer: IDP, subject: { claim: 'employee_number' } })
  t.equal((await registerIdp(org, idpDocument)).statusCode, 200, 'replacing')
  t.match((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/identity-provider`, headers: adminHeaders })).json(), { issuer: IDP })
  const other = await test.createOrganisation('Grannkommun')
  const taken = await registerIdp(other, idpDocument)
  t.equal(taken.statusCode, 409)
  t.equal(taken.json().type, problemType('identity-provider-issuer-taken', ISSUER))
  const bad = await registerIdp(other, { ...idpDocument, issuer: 'https://idp.grannkommun.test', jwks: { keys: [{ ...idpJwk, x: 'AAAA' }] } })
  t.equal(bad.statusCode, 422)
  t.equal(bad.json().type, problemType('identity-provider-invalid', ISSUER))
  const both = await registerIdp(other, { ...idpDocument, issuer: 'https://idp.grannkommun.test', jwks_uri: 'https://idp.grannkommun.test/jwks' })
  t.equal(both.statusCode, 422)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${other}/identity-provider`, headers: adminHeaders })).statusCode, 404)
  const key = await test.apiKeyHeaders(org, ['organisation:read'])
  t.equal((await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/identity-provider`, headers: key, payload: idpDocument })).statusCode, 403, 'platform admin only')
})

t.test('an IdP token is exchanged for the attribute token of the person it names (RFC 8693)', async (t) => {
  const res = await exchange(await subjectToken({ employee_number: '1001' }))
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'issued_token_type', 'token_type'])
  t.match(body, { issued_token_type: JWT_TYPE, token_type: 'N_A', expires_in: 300 })
  const { payload, header } = await verifyAttributeToken(app, body.access_token, 'fk')
  t.equal(header['typ'], 'attribute-token+jwt')
  t.match(payload, { organisation: { number: org }, attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }] })
  const direct = await requestToken(app, await fk.bearer(), { type: 'employee-number', value: '1001', organisation: org })
  t.equal(payload.sub, (await verifyAttributeToken(app, direct.json().attribute_token, 'fk')).payload.sub, 'the same pairwise sub as a direct request')
  const metadata = (await app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json()
  t.ok(metadata.grant_types_supported.includes(GRANT), 'advertised in the metadata')
  t.same(metadata.subject_token_types_supported, [JWT_TYPE, ID_TOKEN_TYPE, 'urn:ietf:params:oauth:token-type:saml2'], 'with the subject token types it accepts')
})

t.test('an ID token naming the person by e-mail, once the IdP is configured so', async (t) => {
  // The IdP's deprecated audiences is still accepted; the aud is fk's subject_token_audiences.
  t.equal((await registerIdp(org, { ...idpDocument, subject: { claim: 'email', type: 'email' }, audiences: ['e-tjanst-at-idp'] })).statusCode, 200)
  const res = await exchange(await subjectToken({ email: 'p1001@exempel.se', aud: 'e-tjanst-at-idp' }), { subject_token_type: ID_TOKEN_TYPE })
  t.equal(res.statusCode, 200, res.body)
  t.match((await verifyAttributeToken(app, res.json().access_token, 'fk')).payload, { attributes: [{ id: 'socialtjanst.eb.handlaggare' }] })
  t.equal((await registerIdp(org, idpDocument)).statusCode, 200)
})

t.test('refusals in RFC 6749 / 8693 form', async (t) => {
  const cases: Array<[string, Promise<Awaited<ReturnType<typeof exchange>>>, string, RegExp]> = [
    ['unregistered issuer', exchange(await subjectToken({ employee_number: '1001' }, { issuer: 'https://idp.elsewhere.test' })), 'invalid_request', /not a registered identity provider/],
    ['signed by another key', exchange(await subjectToken({ employee_number: '1001' }, { key: strangerKey.privateKey })), 'invalid_request', /does not verify/],
    ['expired', exchange(await subjectToken({ employee_number: '1001' }, { exp: Math.floor(Date.now() / 1000) - 3600 })), 'invalid_request', /expired/],
    ['for another audience', exchange(await subjectToken({ employee_number: '1001', aud: 'someone-else' })), 'invalid_request', /aud/],
    ['without the mapped claim', exchange(await subjectToken({ email: 'p1001@exempel.se' })), 'invalid_request', /no attributes/],
    ['naming nobody', exchange(await subjectToken({ employee_number: '9999' })), 'invalid_request', /no attributes/],
    ['naming someone with nothing releasable', exchange(await subjectToken({ employee_number: '1003' })), 'invalid_request', /no attributes/],
    ['not a JWT', exchange('garbage'), 'invalid_request', /not a JWT/],
    ['no subject_token_type', exchange(await subjectToken({ employee_number: '1001' }), { subject_token_type: '' }), 'invalid_request', /subject_token_type/],
    ['an unknown subject_token_type', exchange(await subjectToken({ employee_number: '1001' }), { subject_token_type: 'urn:ietf:params:oauth:token-type:saml1' }), 'invalid_request', /subject_token_type/],
    ['a JWT sent as a SAML assertion', exchange(await subjectToken({ employee_number: '1001' }), { subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }), 'invalid_request', /SAML/],
    ['another requested_token_type', exchange(await subjectToken({ employee_number: '1001' }), { requested_token_type: 'urn:ietf:params:oauth:token-type:access_token' }), 'invalid_request', /requested_token_type/]
  ]
  for (const [name, pending, error, description] of cases) {
    const res = await pending
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().error, error, name)
    t.match(res.json().error_description, description, name)
  }
  const unauthenticated = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: GRANT, subject_token: await subjectToken({ employee_number: '1001' }), subject_token_type: JWT_TYPE }).toString() })
  t.equal(unauthenticated.statusCode, 400)
  t.equal(unauthenticated.json().error, 'invalid_request', 'the client still authenticates with private_key_jwt')
})

t.test('a login is exchanged for a stated purpose: required once the party registered any, and refused as for no person when the organisation did not approve it', async (t) => {
  const purposes = [{ id: 'ekonomiskt-bistand', description: 'Handläggning', legal_basis: 'SoL 4 kap. 1 §' }, { id: 'tillsyn', description: 'Tillsyn', legal_basis: 'SoL 13 kap. 2 §' }]
  const party = await agency(app, 'fk-purposes', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, subject_token_audiences: ['e-tjanst-at-idp'], purposes })
  await approveRelyingParty(app, org, party.clientId, { purposes: ['ekonomiskt-bistand'] })
  const exchangeFor = async (employeeNumber: string, extra: Record<string, string> = {}) => tokenRequest(app, await clientAssertion(party.key, party.clientId, ISSUER), {
    grant_type: GRANT, subject_token: await subjectToken({ employee_number: employeeNumber, aud: 'e-tjanst-at-idp' }), subject_token_type: JWT_TYPE, ...extra
  })
  for (const [name, extra] of [['without a purpose', {}], ['with one it never registered', { purpose: 'reklam' }]] as const) {
    const res = await exchangeFor('1001', extra)
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { error: 'invalid_request', error_description: /^purpose / }, name)
  }
  const notApproved = await exchangeFor('1001', { purpose: 'tillsyn' })
  t.equal(notApproved.statusCode, 400)
  t.same(notApproved.json(), (await exchangeFor('9999', { purpose: 'ekonomiskt-bistand' })).json(), 'a purpose not approved is answered as a login naming no one')
  const res = await exchangeFor('1001', { purpose: 'ekonomiskt-bistand' })
  t.equal(res.statusCode, 200, res.body)
  t.equal((await verifyAttributeToken(app, res.json().access_token, party.clientId)).payload['purpose'], 'ekonomiskt-bistand')
  t.match((await exchange(await subjectToken({ employee_number: '1001' }), { purpose: 'tillsyn' })).json(), { error: 'invalid_request', error_description: /^purpose / }, 'a party with no purposes states none')
})
