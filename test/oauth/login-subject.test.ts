import t from 'tap'
import { loginSubject, NO_PERSON } from '../../src/oauth/subject-tokens/login-subject.js'
import type { StoredIdentityProvider } from '../../src/identity-providers/repository.js'
import type { PlatformIdentityProviderDocument } from '../../src/identity-providers/schemas.js'

const CITY = '2120000142'
const COMPANY = '5560000001'
const OTHER = '2129999997'
const ORG_AFFILIATION = 'urn:oid:1.2.752.201.3.1'
const HSA = 'urn:oid:1.2.752.29.6.2.1'
const EPPN = 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6'
const PIN = 'urn:oid:1.2.752.29.4.13'

function idp (subject: PlatformIdentityProviderDocument['subject'], extra: Partial<PlatformIdentityProviderDocument> = {}, kind: 'saml' | 'oidc' = 'saml'): StoredIdentityProvider {
  const organisations = extra.organisations ?? [CITY, COMPANY]
  return { id: 'x', kind, entity: 'https://idp.test', organisations, document: { kind, organisations, subject, ...extra }, created_at: new Date(), updated_at: new Date() }
}
const login = (values: Record<string, string[]>) => (names: readonly string[]) => names.flatMap((n) => values[n] ?? [])
const all = { match: ['org-affiliation', 'hsa-id', 'eppn', 'personal-identity-number'] } as PlatformIdentityProviderDocument['subject']

t.test('orgAffiliation: split at the last @, resolved in a served organisation', async (t) => {
  t.same(loginSubject(idp(all), login({ [ORG_AFFILIATION]: [`100234@${CITY}`] })), { organisation: CITY, subject: { type: 'employee-number', value: '100234' } })
  t.same(loginSubject(idp({ ...all, org_affiliation_local_id: 'email' }), login({ [ORG_AFFILIATION]: [`anna@exempel.se@${COMPANY}`] })), { organisation: COMPANY, subject: { type: 'email', value: 'anna@exempel.se' } }, 'a local id with an @ of its own')
  t.same(loginSubject(idp({ ...all, org_affiliation_local_id: 'username' }), login({ [ORG_AFFILIATION]: ['anna@556000-0001'] })), { organisation: COMPANY, subject: { type: 'username', value: 'anna' } }, 'an organisation number with its hyphen')
  t.same(loginSubject(idp(all), login({ [ORG_AFFILIATION]: [`1@${OTHER}`, `2@${CITY}`] })), { organisation: CITY, subject: { type: 'employee-number', value: '2' } }, 'of several affiliations, the one served')
})

t.test('orgAffiliation that resolves nowhere it may: refused, not looked up elsewhere', async (t) => {
  for (const values of [[`100234@${OTHER}`], ['100234'], [`@${CITY}`], [`1@${CITY}`, `2@${COMPANY}`], [`1@${CITY}x`]]) {
    t.throws(() => loginSubject(idp(all, { default_organisation: CITY }), login({ [ORG_AFFILIATION]: values, [HSA]: ['SE2120000142-1'] })), { code: 'invalid_request', description: NO_PERSON }, values.join(' '))
  }
})

t.test('the first identifier of subject.match that the login carries decides', async (t) => {
  const values = login({ [HSA]: ['SE2120000142-1'], [EPPN]: ['anna@exempel.se'], [PIN]: ['198112289874'] })
  t.same(loginSubject(idp(all, { default_organisation: CITY }), values), { organisation: CITY, subject: { type: 'hsa-id', value: 'SE2120000142-1' } })
  t.same(loginSubject(idp({ match: ['eppn', 'hsa-id'] }, { default_organisation: CITY }), values), { organisation: CITY, subject: { type: 'username', value: 'anna@exempel.se' } }, 'eppn is the directory user name')
  t.same(loginSubject(idp({ match: ['personal-identity-number'] }, { organisations: [COMPANY] }), values), { organisation: COMPANY, subject: { type: 'personal-identity-number', value: '198112289874' } }, 'one organisation is its own default')
})

t.test('without an organisation to resolve in, or with two values, no one', async (t) => {
  t.throws(() => loginSubject(idp(all), login({ [HSA]: ['SE2120000142-1'] })), { code: 'invalid_request', description: NO_PERSON }, 'two organisations and no default')
  t.throws(() => loginSubject(idp(all, { default_organisation: CITY }), login({ [HSA]: ['SE2120000142-1', 'SE2120000142-2'] })), { code: 'invalid_request', description: NO_PERSON }, 'ambiguous')
  t.same(loginSubject(idp(all, { default_organisation: CITY }), login({ [HSA]: ['SE2120000142-1', 'SE2120000142-1'] })).subject, { type: 'hsa-id', value: 'SE2120000142-1' }, 'the same value twice is one')
  t.throws(() => loginSubject(idp(all, { default_organisation: CITY }), login({ [EPPN]: [''] })), { code: 'invalid_request', description: NO_PERSON }, 'empty values name no one')
  t.throws(() => loginSubject(idp(all, { default_organisation: CITY }), login({ 'urn:oid:2.5.4.42': ['Anna'] })), { code: 'invalid_request', description: NO_PERSON }, 'no identifier at all')
})

t.test('OIDC claim names, and overrides', async (t) => {
  const oidc = idp(all, { default_organisation: CITY }, 'oidc')
  t.same(loginSubject(oidc, login({ 'https://id.oidc.se/claim/orgAffiliation': [`7@${COMPANY}`] })).organisation, COMPANY)
  t.same(loginSubject(oidc, login({ 'https://id.oidc.se/claim/personalIdentityNumber': ['198112289874'] })).subject, { type: 'personal-identity-number', value: '198112289874' })
  t.same(loginSubject(oidc, login({ eduperson_principal_name: ['anna@exempel.se'] })).subject, { type: 'username', value: 'anna@exempel.se' })
  t.throws(() => loginSubject(oidc, login({ [ORG_AFFILIATION]: [`7@${COMPANY}`] })), { code: 'invalid_request', description: NO_PERSON }, 'SAML names are not OIDC claims')
  const custom = idp({ match: ['service-id'], claims: { 'service-id': 'tjanste_id' } }, { default_organisation: CITY }, 'oidc')
  t.same(loginSubject(custom, login({ tjanste_id: ['s-1'], service_id: ['s-2'] })).subject, { type: 'service-id', value: 's-1' })
})
