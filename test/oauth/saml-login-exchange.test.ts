// A SAML login (a Sweden Connect-style assertion signed by a test IdP with xmlsec1, another
// implementation than the verifier's xml-crypto) traded for an attribute token at
// /oauth/token, from an IdP serving two organisations.
import t from 'tap'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { agency, COMPANY_HSA_ID, ISSUER, loginOrganisations, PIN, tokenTestApp, verifyAttributeToken } from '../tokens/helpers/token-app.js'
import { problemType } from '../helpers/problem-type.js'
import { LOA3, SAML_ATTRIBUTE, samlTestIdp } from '../helpers/saml-idp.js'

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const SAML2 = 'urn:ietf:params:oauth:token-type:saml2'
const LOA2 = 'http://id.elegnamnden.se/loa/1.0/loa2'
const SP = 'https://e-tjanst.fk.test/sp'
const ENTITY = 'https://idp.kommunforbund.test/saml'
const NO_PERSON = 'no attributes this client may receive for the person the subject_token names'

const test = await tokenTestApp()
const { app } = test
const { city, company, outsider } = await loginOrganisations(test)
const fk = await agency(app, 'fk-saml', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, subject_token_audiences: [SP] })
await approveRelyingParty(app, city, fk.clientId)
await approveRelyingParty(app, company, fk.clientId)
await agency(app, 'csn-saml', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, subject_token_audiences: ['https://e-tjanst.csn.test/sp'] })

const idp = await samlTestIdp({ entityId: ENTITY })
const stranger = await samlTestIdp({ entityId: ENTITY })
const registration = (extra: Record<string, unknown> = {}) => ({
  kind: 'saml',
  organisations: [city, company],
  saml: { metadata_xml: idp.metadata() },
  subject: { match: ['org-affiliation', 'hsa-id', 'personal-identity-number'] },
  ...extra
})
const register = (document: Record<string, unknown>, id = 'forbund-saml') => app.inject({ method: 'PUT', url: `/v1/identity-providers/${id}`, headers: adminHeaders, payload: document })

const encoded = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64url')
async function exchange (subjectToken: string) {
  const res = await tokenRequest(app, await clientAssertion(fk.key, 'fk-saml', ISSUER), { grant_type: GRANT, subject_token: subjectToken, subject_token_type: SAML2 })
  return res
}
const affiliation = (value: string, extra: Record<string, unknown> = {}) => idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.orgAffiliation]: [value] }, ...extra })

t.test('a SAML IdP is registered from its metadata', async (t) => {
  const res = await register(registration())
  t.equal(res.statusCode, 201, res.body)
  const view = res.json()
  t.match(view, { id: 'forbund-saml', kind: 'saml', organisations: [city, company], metadata: { entity_id: ENTITY, valid_until: null, refresh_after: null } })
  t.equal(view.metadata.signing_certificates.length, 1)
  t.match(view.metadata.signing_certificates[0], { sha256: /^[0-9a-f]{64}$/ })
  const twin = await register({ ...registration(), organisations: [outsider] }, 'twin')
  t.equal(twin.statusCode, 409, 'one registration per entityID')
  const broken = await register(registration({ saml: { metadata_xml: '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>' } }), 'broken')
  t.equal(broken.statusCode, 422)
  t.equal(broken.json().type, problemType('identity-provider-invalid', ISSUER))
  t.same(broken.json().errors.map((e: { pointer: string }) => e.pointer), ['/saml/metadata_xml'])
  const doctype = await register(registration({ saml: { metadata_xml: `<!DOCTYPE x [<!ENTITY e "x">]>${idp.metadata()}` } }), 'doctype')
  t.equal(doctype.statusCode, 422, 'metadata with a DTD is refused too')
  const expired = await register(registration({ saml: { metadata_xml: idp.metadata({ validUntil: new Date(Date.now() - 1000) }) } }), 'expired')
  t.equal(expired.statusCode, 422, 'metadata past its validUntil')
})

t.test('a LoA3 orgAffiliation becomes that person\'s attribute token, in the organisation it names', async (t) => {
  const res = await exchange(encoded(await affiliation(`1001@${city}`)))
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { issued_token_type: 'urn:ietf:params:oauth:token-type:jwt', token_type: 'N_A' })
  const { payload } = await verifyAttributeToken(app, res.json().access_token, 'fk-saml')
  t.match(payload, { organisation: { number: city }, attributes: [{ id: 'socialtjanst.eb.handlaggare' }], acr: LOA3 })
  t.type(payload['auth_time'], 'number')
  t.ok(Math.abs((payload['auth_time'] as number) - (Date.now() / 1000 - 30)) < 60, 'auth_time is the AuthnInstant')

  const second = await exchange(encoded(await affiliation(`1001@${company}`)))
  t.equal(second.statusCode, 200, second.body)
  const other = (await verifyAttributeToken(app, second.json().access_token, 'fk-saml')).payload
  t.match(other, { organisation: { number: company } })
  t.not(other.sub, payload.sub, 'the second organisation\'s 1001 is another person')
})

t.test('refusals', async (t) => {
  const cases: Array<[string, () => Promise<string>, RegExp | string]> = [
    ['LoA2', async () => encoded(await affiliation(`1001@${city}`, { authnContextClassRef: LOA2 })), /level of assurance.*loa3$/],
    ['an organisation the IdP does not serve', async () => encoded(await affiliation(`1001@${outsider}`)), NO_PERSON],
    ['a person not in the organisation', async () => encoded(await affiliation(`9999@${city}`)), NO_PERSON],
    ['no identifier at all', async () => encoded(await idp.assertion({ audience: SP, attributes: { 'urn:oid:2.5.4.42': ['Anna'] } })), NO_PERSON],
    ['the audience of another relying party', async () => encoded(await idp.assertion({ audience: 'https://e-tjanst.csn.test/sp', attributes: { [SAML_ATTRIBUTE.orgAffiliation]: [`1001@${city}`] } })), /audience/i],
    ['signed by a key not in the metadata', async () => encoded(await stranger.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.orgAffiliation]: [`1001@${city}`] } })), /not an acceptable SAML assertion/],
    ['unsigned', async () => encoded(idp.assertionXml({ audience: SP, attributes: { [SAML_ATTRIBUTE.orgAffiliation]: [`1001@${city}`] } }).xml), /not an acceptable SAML assertion/],
    ['an unregistered issuer', async () => encoded(await idp.assertion({ audience: SP, issuer: 'https://idp.elsewhere.test', attributes: { [SAML_ATTRIBUTE.orgAffiliation]: [`1001@${city}`] } })), /not a registered identity provider/],
    ['expired', async () => encoded(await affiliation(`1001@${city}`, { notBefore: new Date(Date.now() - 600_000), notOnOrAfter: new Date(Date.now() - 120_000) })), /not an acceptable SAML assertion/],
    ['a comment inside the orgAffiliation', async () => encoded(await affiliation(`9999<!---->1001@${city}`)), /not an acceptable SAML assertion/],
    ['not base64url', async () => '<saml2:Assertion/>', /base64url/],
    ['a JWT', async () => 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln', /base64url/]
  ]
  for (const [name, token, description] of cases) {
    const res = await exchange(await token())
    t.equal(res.statusCode, 400, `${name}: ${res.body}`)
    t.equal(res.json().error, 'invalid_request', name)
    if (typeof description === 'string') t.equal(res.json().error_description, description, name)
    else t.match(res.json().error_description, description, name)
  }
})

t.test('an assertion is exchanged once', async (t) => {
  const token = encoded(await affiliation(`1001@${city}`))
  t.equal((await exchange(token)).statusCode, 200)
  const again = await exchange(token)
  t.equal(again.statusCode, 400)
  t.equal(again.json().error_description, 'the subject_token\'s assertion was already used')
})

t.test('a relying party with min_loa loa2 takes a LoA2 login', async (t) => {
  const lenient = await agency(app, 'lenient-saml', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, subject_token_audiences: ['https://lenient.test/sp'], min_loa: LOA2 })
  await approveRelyingParty(app, city, lenient.clientId)
  await approveRelyingParty(app, company, lenient.clientId)
  const assertion = await idp.assertion({ audience: 'https://lenient.test/sp', authnContextClassRef: LOA2, attributes: { [SAML_ATTRIBUTE.orgAffiliation]: [`1001@${city}`] } })
  const res = await tokenRequest(app, await clientAssertion(lenient.key, 'lenient-saml', ISSUER), { grant_type: GRANT, subject_token: encoded(assertion), subject_token_type: SAML2 })
  t.equal(res.statusCode, 200, res.body)
  t.match((await verifyAttributeToken(app, res.json().access_token, 'lenient-saml')).payload, { acr: LOA2 })
})

t.test('HSA-id and personnummer resolve in the default organisation', async (t) => {
  const hsa = await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.employeeHsaId]: [COMPANY_HSA_ID] } })
  t.equal((await exchange(encoded(hsa))).statusCode, 400, 'two organisations, no default: not resolved')
  t.equal((await register(registration({ default_organisation: company }))).statusCode, 200)
  const byHsa = await exchange(encoded(await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.employeeHsaId]: [COMPANY_HSA_ID] } })))
  t.equal(byHsa.statusCode, 200, byHsa.body)
  t.match((await verifyAttributeToken(app, byHsa.json().access_token, 'fk-saml')).payload, { organisation: { number: company } })
  t.equal((await register(registration({ default_organisation: city }))).statusCode, 200)
  const byPin = await exchange(encoded(await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.personalIdentityNumber]: [PIN] } })))
  t.equal(byPin.statusCode, 200, byPin.body)
  t.match((await verifyAttributeToken(app, byPin.json().access_token, 'fk-saml')).payload, { organisation: { number: city } })
})

t.test('a 1 MB assertion is refused before it is read', async (t) => {
  const huge = await affiliation(`1001@${city}`)
  const padded = huge.replace('</saml2:Assertion>', `<saml2:Advice>${'x'.repeat(1_000_000)}</saml2:Advice></saml2:Assertion>`)
  const res = await exchange(encoded(padded))
  t.equal(res.statusCode, 400)
  t.match(res.json(), { error: 'invalid_request', error_description: /too large/i })
  const justOver = await exchange(encoded(huge.replace('</saml2:Assertion>', `<saml2:Advice>${'x'.repeat(66_000)}</saml2:Advice></saml2:Assertion>`)))
  t.equal(justOver.statusCode, 400)
  t.match(justOver.json().error_description, /larger than a SAML assertion may be/)
})

t.test('once the metadata has expired, the IdP\'s logins are refused', async (t) => {
  t.equal((await register(registration({ saml: { metadata_xml: idp.metadata({ validUntil: new Date(Date.now() + 1500) }) } }))).statusCode, 200)
  t.equal((await exchange(encoded(await affiliation(`1001@${city}`)))).statusCode, 200, 'valid until then')
  await new Promise((resolve) => setTimeout(resolve, 1600))
  const res = await exchange(encoded(await affiliation(`1001@${city}`)))
  t.equal(res.statusCode, 400)
  t.equal(res.json().error_description, 'the identity provider\'s metadata has expired')
})
