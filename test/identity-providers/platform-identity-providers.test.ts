import t from 'tap'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { agency, COMPANY_HSA_ID, ISSUER, loginOrganisations, PIN, tokenTestApp, verifyAttributeToken } from '../tokens/helpers/token-app.js'
import { problemType } from '../helpers/problem-type.js'

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token'
const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3'
const IDP = 'https://idp.kommunforbund.test'

const test = await tokenTestApp()
const { app } = test
// Two organisations behind one IdP, each with its own HR: 1001 exists in both, as different people.
const { city, company, outsider } = await loginOrganisations(test)
const fk = await agency(app, 'fk-platform-idp', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
await approveRelyingParty(app, city, fk.clientId)
await approveRelyingParty(app, company, fk.clientId)

const idpKey = await generateKeyPair('ES256', { extractable: true })
const idpJwk = { ...await exportJWK(idpKey.publicKey), kid: 'forbund-1', alg: 'ES256' }
const registration = {
  kind: 'oidc',
  organisations: [city, company],
  oidc: { issuer: IDP, jwks: { keys: [idpJwk] } },
  subject: { match: ['org-affiliation', 'hsa-id', 'personal-identity-number'], org_affiliation_local_id: 'employee-number' }
}
const put = (id: string, document: unknown, headers: Record<string, string> = adminHeaders) => app.inject({ method: 'PUT', url: `/v1/identity-providers/${id}`, headers, payload: document as Record<string, unknown> })

async function idToken (claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ aud: 'fk-platform-idp', acr: LOA3, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'forbund-1' })
    .setIssuer(IDP).setSubject('pairwise-abc').setIssuedAt().setExpirationTime('5m')
    .sign(idpKey.privateKey)
}

async function exchange (token: string) {
  return tokenRequest(app, await clientAssertion(fk.key, 'fk-platform-idp', ISSUER), { grant_type: GRANT, subject_token: token, subject_token_type: ID_TOKEN_TYPE })
}

t.test('the platform admin registers an IdP serving two organisations, and reads and lists it', async (t) => {
  const created = await put('forbund', registration)
  t.equal(created.statusCode, 201, created.body)
  t.match(created.json(), { id: 'forbund', kind: 'oidc', organisations: [city, company], oidc: { issuer: IDP } })
  t.notOk('metadata' in created.json(), 'OIDC registrations have no SAML metadata')
  t.equal((await put('forbund', registration)).statusCode, 200, 'replacing')
  t.match((await app.inject({ method: 'GET', url: '/v1/identity-providers/forbund', headers: adminHeaders })).json(), { id: 'forbund', organisations: [city, company] })
  const listed = (await app.inject({ method: 'GET', url: `/v1/identity-providers?organisation=${company}`, headers: adminHeaders })).json()
  t.same(listed.items.map((i: { id: string }) => i.id), ['forbund'], 'the organisation filter')
  t.same((await app.inject({ method: 'GET', url: `/v1/identity-providers?organisation=${outsider}`, headers: adminHeaders })).json().items, [])
})

t.test('pages through the list by id', async (t) => {
  for (const id of ['page-a', 'page-b', 'page-c']) {
    t.equal((await put(id, { ...registration, organisations: [outsider], oidc: { issuer: `https://${id}.test`, jwks: { keys: [idpJwk] } } })).statusCode, 201)
  }
  const first = (await app.inject({ method: 'GET', url: `/v1/identity-providers?organisation=${outsider}&limit=2`, headers: adminHeaders })).json()
  t.same(first.items.map((i: { id: string }) => i.id), ['page-a', 'page-b'])
  const second = (await app.inject({ method: 'GET', url: `/v1/identity-providers?organisation=${outsider}&limit=2&cursor=${first.next_cursor as string}`, headers: adminHeaders })).json()
  t.same(second.items.map((i: { id: string }) => i.id), ['page-c'])
  t.equal(second.next_cursor, null)
  for (const id of ['page-a', 'page-b', 'page-c']) t.equal((await app.inject({ method: 'DELETE', url: `/v1/identity-providers/${id}`, headers: adminHeaders })).statusCode, 204)
})

t.test('bad registrations: a problem with pointers, nothing stored', async (t) => {
  const cases: Array<[string, unknown, number, string, string[]]> = [
    ['oidc kind without oidc settings', { ...registration, oidc: undefined }, 422, 'identity-provider-invalid', ['/oidc']],
    ['saml settings on an oidc kind', { ...registration, saml: { metadata_url: 'https://idp.test/md' } }, 422, 'identity-provider-invalid', ['/saml']],
    ['both jwks and jwks_uri', { ...registration, oidc: { ...registration.oidc, jwks_uri: 'https://idp.test/jwks' } }, 422, 'identity-provider-invalid', ['/oidc']],
    ['a private key', { ...registration, oidc: { issuer: IDP, jwks: { keys: [{ ...idpJwk, d: 'AAAA' }] } } }, 422, 'identity-provider-invalid', ['/oidc/jwks/keys/0']],
    ['a default organisation it does not serve', { ...registration, default_organisation: outsider }, 422, 'identity-provider-invalid', ['/default_organisation']],
    ['an organisation no one registered', { ...registration, organisations: [city, '2021005489'] }, 422, 'identity-provider-invalid', ['/organisations/1']],
    ['an unknown identifier', { ...registration, subject: { match: ['shoe-size'] } }, 400, 'validation-failed', ['/subject/match/0']],
    ['an invalid organisation number', { ...registration, organisations: ['2120000143'] }, 400, 'invalid-organisation-number', ['/organisations/0']]
  ]
  for (const [name, document, status, type, pointers] of cases) {
    const res = await put('bad-one', document)
    t.equal(res.statusCode, status, `${name}: ${res.body}`)
    t.equal(res.json().type, problemType(type, ISSUER), name)
    t.same(res.json().errors.map((e: { pointer: string }) => e.pointer), pointers, name)
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/identity-providers/bad-one', headers: adminHeaders })).statusCode, 404)
  const taken = await put('copycat', { ...registration, organisations: [outsider] })
  t.equal(taken.statusCode, 409)
  t.equal(taken.json().type, problemType('identity-provider-issuer-taken', ISSUER))
  const reserved = await put(`org-${outsider}`, { ...registration, organisations: [outsider], oidc: { issuer: 'https://other.test', jwks: { keys: [idpJwk] } } })
  t.equal(reserved.statusCode, 409)
  t.equal(reserved.json().type, problemType('identity-provider-shortcut', ISSUER))
  t.equal((await put('Bad_Id', registration)).statusCode, 400, 'ids are lowercase names')
  const steward = await test.apiKeyHeaders(city, ['organisation:read'])
  t.equal((await put('forbund', registration, steward)).statusCode, 403, 'platform admin only')
  t.equal((await app.inject({ method: 'GET', url: '/v1/identity-providers', headers: steward })).statusCode, 403)
})

t.test('orgAffiliation resolves the person in the organisation it names, split at the last @', async (t) => {
  const inCity = await exchange(await idToken({ 'https://id.oidc.se/claim/orgAffiliation': `1001@${city}` }))
  t.equal(inCity.statusCode, 200, inCity.body)
  const cityToken = (await verifyAttributeToken(app, inCity.json().access_token, 'fk-platform-idp')).payload
  t.match(cityToken, { organisation: { number: city } })
  const inCompany = await exchange(await idToken({ 'https://id.oidc.se/claim/orgAffiliation': `1001@${company}` }))
  t.equal(inCompany.statusCode, 200, inCompany.body)
  const companyToken = (await verifyAttributeToken(app, inCompany.json().access_token, 'fk-platform-idp')).payload
  t.match(companyToken, { organisation: { number: company } })
  t.not(companyToken.sub, cityToken.sub, 'two people, two subjects')
  const hyphenated = await exchange(await idToken({ 'https://id.oidc.se/claim/orgAffiliation': `1001@${company.slice(0, 6)}-${company.slice(6)}` }))
  t.equal(hyphenated.statusCode, 200, 'an organisation number with its hyphen')
})

t.test('an orgAffiliation outside the IdP\'s organisations, or naming no one, gets one answer', async (t) => {
  const answers = []
  for (const claims of [
    { 'https://id.oidc.se/claim/orgAffiliation': `1001@${outsider}` },
    { 'https://id.oidc.se/claim/orgAffiliation': `9999@${city}` },
    { 'https://id.oidc.se/claim/orgAffiliation': `1001@${city}@${outsider}` },
    { 'https://id.oidc.se/claim/orgAffiliation': [`1001@${city}`, `1001@${company}`] },
    { 'https://id.oidc.se/claim/orgAffiliation': '1001' },
    { email: 'p1001@exempel.se' }
  ]) {
    const res = await exchange(await idToken(claims))
    t.equal(res.statusCode, 400, JSON.stringify(claims))
    answers.push(res.json())
  }
  t.equal(new Set(answers.map((a) => JSON.stringify(a))).size, 1, 'the same invalid_request for each')
  t.match(answers[0], { error: 'invalid_request' })
})

t.test('identifiers without an organisation resolve in the default organisation', async (t) => {
  const hsa = await idToken({ employeeHsaId: COMPANY_HSA_ID })
  t.equal((await exchange(hsa)).statusCode, 400, 'two organisations and no default: not resolved')
  t.equal((await put('forbund', { ...registration, default_organisation: company })).statusCode, 200)
  const res = await exchange(await idToken({ employeeHsaId: COMPANY_HSA_ID }))
  t.equal(res.statusCode, 200, res.body)
  t.match((await verifyAttributeToken(app, res.json().access_token, 'fk-platform-idp')).payload, { organisation: { number: company } })
  const pin = await exchange(await idToken({ 'https://id.oidc.se/claim/personalIdentityNumber': PIN }))
  t.equal(pin.statusCode, 400, 'the personnummer is looked up in the default organisation only (1001 has it in the city)')
  t.equal((await put('forbund', { ...registration, default_organisation: city })).statusCode, 200)
  const pinInCity = await exchange(await idToken({ 'https://id.oidc.se/claim/personalIdentityNumber': PIN }))
  t.equal(pinInCity.statusCode, 200, pinInCity.body)
  t.match((await verifyAttributeToken(app, pinInCity.json().access_token, 'fk-platform-idp')).payload, { organisation: { number: city } })
})

t.test('subject.claims names a non-standard claim', async (t) => {
  t.equal((await put('forbund', { ...registration, subject: { match: ['employee-number'], claims: { 'employee-number': 'anstallningsnummer' } }, default_organisation: city })).statusCode, 200)
  t.equal((await exchange(await idToken({ anstallningsnummer: '1001' }))).statusCode, 200)
  t.equal((await exchange(await idToken({ employee_number: '1001' }))).statusCode, 400, 'the standard name is not read once overridden')
})

t.test('the organisation route is a shortcut registration org-<orgnr>', async (t) => {
  const v1 = { issuer: 'https://idp.grannkommun.test', jwks: { keys: [idpJwk] }, subject: { claim: 'employee_number', type: 'employee-number' } }
  t.equal((await app.inject({ method: 'PUT', url: `/v1/organisations/${outsider}/identity-provider`, headers: adminHeaders, payload: v1 })).statusCode, 201)
  t.same(Object.keys((await app.inject({ method: 'GET', url: `/v1/organisations/${outsider}/identity-provider`, headers: adminHeaders })).json()).sort(), ['created_at', 'issuer', 'jwks', 'organisation', 'subject', 'updated_at'], 'the v1 view, as before')
  const platform = (await app.inject({ method: 'GET', url: `/v1/identity-providers/org-${outsider}`, headers: adminHeaders })).json()
  t.match(platform, { id: `org-${outsider}`, kind: 'oidc', organisations: [outsider], shortcut_of: outsider, subject: { match: ['employee-number'], claims: { 'employee-number': 'employee_number' } } })
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/identity-providers/org-${outsider}`, headers: adminHeaders })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${outsider}/identity-provider`, headers: adminHeaders })).statusCode, 404)
})

t.test('a registration\'s changes are in the platform chain and each served organisation\'s', async (t) => {
  const recorded = async (url: string) => JSON.stringify((await app.inject({ method: 'GET', url: `${url}?action=identity-provider.registered`, headers: adminHeaders })).json())
  for (const org of [city, company]) t.ok((await recorded(`/v1/organisations/${org}/audit`)).includes('"id":"forbund"'), `recorded for ${org}`)
  t.ok((await recorded('/v1/audit/platform')).includes('"id":"forbund"'), 'and in the platform chain')
  t.notOk((await recorded(`/v1/organisations/${outsider}/audit`)).includes('"id":"forbund"'), 'not for an organisation it does not serve')
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/identity-providers/forbund', headers: adminHeaders })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/identity-providers/forbund', headers: adminHeaders })).statusCode, 404)
  t.equal((await exchange(await idToken({ 'https://id.oidc.se/claim/orgAffiliation': `1001@${city}` }))).statusCode, 400, 'its logins are no longer exchanged')
})
