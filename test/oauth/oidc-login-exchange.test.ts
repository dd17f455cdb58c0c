// An OIDC login (an ID token from panva's oidc-provider, obtained with a real authorization
// code flow over HTTPS) traded for an attribute token at /oauth/token, from an IdP serving
// two organisations and registered at platform level with its jwks_uri.
import t from 'tap'
import { generateKeyPair, SignJWT } from 'jose'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { agency, COMPANY_HSA_ID, ISSUER, loginOrganisations, PIN, tokenTestApp, verifyAttributeToken } from '../tokens/helpers/token-app.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { LOA2, LOA3, OIDC_CLAIM, oidcTestIdp } from '../helpers/oidc-idp.js'

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token'
const CLIENT = 'fk-e-tjanst'
const NO_PERSON = 'no attributes this client may receive for the person the subject_token names'

// The people the IdP signs in, by account id; filled in once the organisations exist.
const accounts = new Map<string, Record<string, unknown>>()
const idp = await oidcTestIdp(t, { claims: (id) => accounts.get(id) ?? {} })
const stranger = await oidcTestIdp(t, { claims: (id) => accounts.get(id) ?? {} })

const test = await tokenTestApp({ jwksFetch: { ca: idp.ca } }, allowLoopbackFetch)
const { app } = test
const { city, company, outsider } = await loginOrganisations(test)
const fk = await agency(app, 'fk-oidc', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, subject_token_audiences: [CLIENT] })
await approveRelyingParty(app, city, fk.clientId)
await approveRelyingParty(app, company, fk.clientId)

accounts.set('anna', { [OIDC_CLAIM.orgAffiliation]: `1001@${city}`, name: 'Anna Andersson' })
accounts.set('anna-bostader', { [OIDC_CLAIM.orgAffiliation]: `1001@${company}` })
accounts.set('granne', { [OIDC_CLAIM.orgAffiliation]: `1001@${outsider}` })
accounts.set('nobody', { [OIDC_CLAIM.orgAffiliation]: `9999@${city}` })
accounts.set('anonymous', { name: 'Anna Andersson' })
accounts.set('pin', { [OIDC_CLAIM.personalIdentityNumber]: PIN })
accounts.set('hsa', { [OIDC_CLAIM.employeeHsaId]: COMPANY_HSA_ID })

const registration = (extra: Record<string, unknown> = {}) => ({
  kind: 'oidc',
  organisations: [city, company],
  oidc: { issuer: idp.issuer, jwks_uri: idp.jwksUri },
  subject: { match: ['org-affiliation', 'hsa-id', 'personal-identity-number'] },
  ...extra
})
const register = (document: Record<string, unknown>, id = 'forbund-oidc') => app.inject({ method: 'PUT', url: `/v1/identity-providers/${id}`, headers: adminHeaders, payload: document })

async function exchange (subjectToken: string) {
  return tokenRequest(app, await clientAssertion(fk.key, 'fk-oidc', ISSUER), { grant_type: GRANT, subject_token: subjectToken, subject_token_type: ID_TOKEN })
}
const login = (account: string, acr?: string, clientId = CLIENT) => idp.idToken(account, { clientId, ...(acr ? { acr } : {}) })

t.test('an OIDC IdP is registered with its issuer and jwks_uri', async (t) => {
  const res = await register(registration())
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { id: 'forbund-oidc', kind: 'oidc', organisations: [city, company], oidc: { issuer: idp.issuer, jwks_uri: idp.jwksUri } })
  const twin = await register({ ...registration(), organisations: [outsider] }, 'twin')
  t.equal(twin.statusCode, 409, 'one registration per issuer')
})

t.test('a LoA3 orgAffiliation becomes that person\'s attribute token, in the organisation it names', async (t) => {
  const res = await exchange(await login('anna'))
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { issued_token_type: 'urn:ietf:params:oauth:token-type:jwt', token_type: 'N_A' })
  const { payload } = await verifyAttributeToken(app, res.json().access_token, 'fk-oidc')
  t.match(payload, { organisation: { number: city }, attributes: [{ id: 'socialtjanst.eb.handlaggare' }], acr: LOA3 })
  t.type(payload['auth_time'], 'number')
  t.ok(Math.abs((payload['auth_time'] as number) - Date.now() / 1000) < 60, 'auth_time is the login\'s')

  const second = await exchange(await login('anna-bostader'))
  t.equal(second.statusCode, 200, second.body)
  const other = (await verifyAttributeToken(app, second.json().access_token, 'fk-oidc')).payload
  t.match(other, { organisation: { number: company }, acr: LOA3 })
  t.not(other.sub, payload.sub, 'the second organisation\'s 1001 is another person')
})

t.test('refusals', async (t) => {
  const alien = await generateKeyPair('ES256')
  const now = Math.floor(Date.now() / 1000)
  const cases: Array<[string, () => Promise<string>, RegExp | string]> = [
    ['LoA2', () => login('anna', LOA2), /level of assurance.*loa3$/],
    ['the client_id of another relying party', () => login('anna', LOA3, 'csn-e-tjanst'), /aud claim is not acceptable/],
    ['an organisation the IdP does not serve', () => login('granne'), NO_PERSON],
    ['a person not in the organisation', () => login('nobody'), NO_PERSON],
    ['no identifier at all', () => login('anonymous'), NO_PERSON],
    ['an unregistered issuer', () => stranger.idToken('anna', { clientId: CLIENT }), /not a registered identity provider/],
    ['signed by a key the IdP does not publish', () => new SignJWT({ [OIDC_CLAIM.orgAffiliation]: `1001@${city}`, acr: LOA3 })
      .setProtectedHeader({ alg: 'ES256', kid: idp.jwks.keys[0]?.kid ?? 'x' }).setIssuer(idp.issuer).setAudience(CLIENT).setSubject('anna')
      .setIssuedAt(now).setExpirationTime(now + 300).sign(alien.privateKey), /does not verify/]
  ]
  for (const [name, token, description] of cases) {
    const res = await exchange(await token())
    t.equal(res.statusCode, 400, `${name}: ${res.body}`)
    t.equal(res.json().error, 'invalid_request', name)
    if (typeof description === 'string') t.equal(res.json().error_description, description, name)
    else t.match(res.json().error_description, description, name)
  }
})

t.test('HSA-id and personnummer resolve in the default organisation', async (t) => {
  t.equal((await exchange(await login('pin'))).statusCode, 400, 'two organisations, no default: not resolved')
  t.equal((await register(registration({ default_organisation: city }))).statusCode, 200)
  const byPin = await exchange(await login('pin'))
  t.equal(byPin.statusCode, 200, byPin.body)
  t.match((await verifyAttributeToken(app, byPin.json().access_token, 'fk-oidc')).payload, { organisation: { number: city }, acr: LOA3 })
  t.equal((await register(registration({ default_organisation: company }))).statusCode, 200)
  const byHsa = await exchange(await login('hsa'))
  t.equal(byHsa.statusCode, 200, byHsa.body)
  t.match((await verifyAttributeToken(app, byHsa.json().access_token, 'fk-oidc')).payload, { organisation: { number: company } })
})

t.test('inline keys serve as well as a jwks_uri', async (t) => {
  t.equal((await register(registration({ oidc: { issuer: idp.issuer, jwks: idp.jwks } }))).statusCode, 200)
  const res = await exchange(await login('anna'))
  t.equal(res.statusCode, 200, res.body)
})
