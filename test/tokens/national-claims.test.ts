import t from 'tap'
import { adminHeaders, buildTestApp, defaultStoreKind, openTestStore, type StoreKind } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'
import { approveRelyingParty, clientKey, relyingPartyDocument } from '../helpers/relying-party.js'
import { snapshot, UNITS } from '../mapping/helpers/mapping-app.js'
import { agency, ISSUER, JOBS, PIN, requestToken, seededOrganisation, verifyAttributeToken } from './helpers/token-app.js'

const UNIT_HSA_ID = 'SE2129999997-EBN1'
const SCHOOL_UNIT_CODE = '87654321'
const ENTITLEMENT = 'urn:behorig:entitlement:socialtjanst.eb.handlaggare'
const ORG_CLAIMS = ['https://id.oidc.se/claim/orgNumber', 'https://id.oidc.se/claim/orgName', 'https://id.oidc.se/claim/orgAffiliation', 'eduperson_entitlement']

/** The token tests' people; soc-eb-norr has an HSA-id, soc-bu a skolenhetskod (a school's social team, say), 1001 a personnummer. */
function snapshotWithUnitIdentifiers (): string {
  const units = UNITS.map((u): Record<string, unknown> => u.id === 'soc-eb-norr' ? { ...u, hsa_id: UNIT_HSA_ID } : u.id === 'soc-bu' ? { ...u, school_unit_code: SCHOOL_UNIT_CODE } : u)
  const doc = JSON.parse(snapshot(JOBS, units as typeof UNITS)) as { employments: Array<Record<string, unknown>> }
  for (const e of doc.employments) if (e['employee_number'] === '1001') e['personal_identity_number'] = PIN
  return JSON.stringify(doc)
}

/** The payload of a compact JWS exactly as it was signed. */
const signedPayload = (token: string): string => Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')

// The unit identifiers come from behorig_token_subject (SQL): both stores run it.
const kinds: StoreKind[] = defaultStoreKind() === 'postgres' ? ['postgres', 'pglite'] : ['pglite']

for (const kind of kinds) {
  t.test(`on ${kind}`, async (t) => {
    const test = await buildTestApp(await openTestStore(kind), { BEHORIG_ISSUER: ISSUER })
    const { app } = test
    const org = await seededOrganisation(test, 'Exempelkommun', snapshotWithUnitIdentifiers())
    const release = { domains: ['socialtjanst'] }
    const sweden = await agency(app, 'fk-sweden', { release: { ...release, subject: 'service-id' }, claims_profile: 'sweden' })
    await approveRelyingParty(app, org, sweden.clientId)
    const pairwise = await agency(app, 'fk-pairwise', { release, claims_profile: 'sweden' })
    await approveRelyingParty(app, org, pairwise.clientId)
    const pin = await agency(app, 'fk-pin', { release: { ...release, subject: 'personal-identity-number', legal_basis: 'SFS 2001:454' }, claims_profile: 'sweden' })
    await approveRelyingParty(app, org, pin.clientId)
    const v1 = await agency(app, 'fk-v1', { release: { ...release, subject: 'service-id' }, claims_profile: 'behorig' })
    await approveRelyingParty(app, org, v1.clientId)
    const token = async (party: typeof sweden, employeeNumber: string) => {
      const res = await requestToken(app, await party.bearer(), { type: 'employee-number', value: employeeNumber, organisation: org })
      t.equal(res.statusCode, 200, res.body)
      return res.json().attribute_token as string
    }

    t.test('under sweden a token carries the oidc.se names, orgAffiliation by service id, entitlement URIs and the unit\'s identifiers', async (t) => {
      const { payload } = await verifyAttributeToken(app, await token(sweden, '1001'), 'fk-sweden')
      t.equal(payload['https://id.oidc.se/claim/orgNumber'], org)
      t.equal(payload['https://id.oidc.se/claim/orgName'], 'Exempelkommun')
      t.equal(payload['https://id.oidc.se/claim/orgAffiliation'], `${payload.sub as string}@${org}`, 'the service id the sub already releases, at the organisation')
      t.same(payload['eduperson_entitlement'], [`${ENTITLEMENT}:unit:${org}:soc-eb-norr`])
      t.same(payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr', unit_name: 'Ekonomiskt bistånd norr', unit_hsa_id: UNIT_HSA_ID }])
      t.same(payload['organisation'], { number: org, name: 'Exempelkommun' }, 'the v1 claims stay as they are')
    })

    t.test('a person held at two units gets one entitlement per unit, each unit with the identifiers its HR row gave', async (t) => {
      const { payload } = await verifyAttributeToken(app, await token(sweden, '1002'), 'fk-sweden')
      t.same(payload['attributes'], [
        { id: 'socialtjanst.bu.handlaggare', unit: 'soc-bu', unit_name: 'Barn och unga', school_unit_code: SCHOOL_UNIT_CODE },
        { id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-syd', unit_name: 'Ekonomiskt bistånd syd' }
      ])
      t.same(payload['eduperson_entitlement'], [
        `urn:behorig:entitlement:socialtjanst.bu.handlaggare:unit:${org}:soc-bu`,
        `${ENTITLEMENT}:unit:${org}:soc-eb-syd`
      ])
    })

    t.test('orgAffiliation is left out where the policy releases no service id: pairwise and personnummer', async (t) => {
      for (const [party, audience] of [[pairwise, 'fk-pairwise'], [pin, 'fk-pin']] as const) {
        const { payload } = await verifyAttributeToken(app, await token(party, '1001'), audience)
        t.notOk('https://id.oidc.se/claim/orgAffiliation' in payload, audience)
        t.equal(payload['https://id.oidc.se/claim/orgNumber'], org, `${audience}: the organisation claims are there`)
        t.notOk(JSON.stringify(payload).includes(`@${org}`), `${audience}: nothing of the person's service id`)
      }
    })

    t.test('under behorig the token is byte for byte the v1 claim set', async (t) => {
      const raw = signedPayload(await token(v1, '1001'))
      const claims = JSON.parse(raw) as Record<string, unknown>
      const v1Claims = {
        iss: ISSUER,
        sub: claims['sub'],
        aud: 'fk-v1',
        iat: claims['iat'],
        nbf: claims['iat'],
        exp: (claims['iat'] as number) + 300,
        jti: claims['jti'],
        organisation: { number: org, name: 'Exempelkommun' },
        attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }],
        catalog: { domain: 'socialtjanst', version: '1.0.0' },
        source_as_of: claims['source_as_of'],
        status: claims['status']
      }
      t.equal(raw, JSON.stringify(v1Claims))
      for (const name of ORG_CLAIMS) t.notOk(raw.includes(name), `no ${name}`)
      t.notOk(raw.includes(UNIT_HSA_ID), 'no unit identifiers')
    })
  })
}

t.test('a relying party\'s claims_profile: sweden when a PUT leaves it out, kept as given, refused when unknown', async (t) => {
  const test = await buildTestApp(await openTestStore(), { BEHORIG_ISSUER: ISSUER })
  const { app } = test
  const key = await clientKey()
  const put = (clientId: string, document: Record<string, unknown>) => app.inject({ method: 'PUT', url: `/v1/relying-parties/${clientId}`, headers: adminHeaders, payload: document })
  const { claims_profile: _v1Default, ...withoutProfile } = relyingPartyDocument([key])
  t.equal((await put('new-party', withoutProfile)).statusCode, 201)
  t.equal((await app.inject({ method: 'GET', url: '/v1/relying-parties/new-party', headers: adminHeaders })).json().claims_profile, 'sweden')
  t.equal((await put('new-party', { ...withoutProfile, claims_profile: 'behorig' })).json().claims_profile, 'behorig')
  const refused = await put('new-party', { ...withoutProfile, claims_profile: 'oidc' })
  t.equal(refused.statusCode, 422)
  t.equal(refused.json().type, problemType('relying-party-invalid', ISSUER))
  t.match(refused.json().errors, [{ pointer: '/claims_profile' }])
  t.equal((await app.inject({ method: 'GET', url: '/v1/relying-parties/new-party', headers: adminHeaders })).json().claims_profile, 'behorig', 'the refused PUT changed nothing')
})
