import t from 'tap'
import { generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { ATTRIBUTE_TOKEN_FORMATS, attributeTokenFormat, DEFAULT_ATTRIBUTE_TOKEN_FORMAT } from '../../src/tokens/formats/format-registry.js'
import type { IssuanceDecision, TokenSigner } from '../../src/tokens/formats/attribute-token-format.js'
import type { HeldAttribute } from '../../src/tokens/attribute-token-repository.js'

const decision: IssuanceDecision = {
  issuer: 'https://behorig.test',
  audience: 'fk',
  subject: 'pairwise-sub',
  organisation: { number: '2129999997', name: 'Exempel kommun' },
  attributes: [
    { attribute_id: 'socialtjanst.eb.handlaggare', domain: 'socialtjanst', unit_id: 'soc-eb', valid_from: '2026-01-01', valid_until: null, catalog_version: '3', source_as_of: null, computed_at: new Date('2026-03-01T00:00:00Z'), unit_name: 'Ekonomiskt bistånd', unit_hsa_id: 'SE2129999997-E1', unit_school_unit_code: null },
    { attribute_id: 'socialtjanst.eb.attestant', domain: 'socialtjanst', unit_id: null, valid_from: '2026-01-01', valid_until: '2026-12-31', catalog_version: '3', source_as_of: null, computed_at: new Date('2026-03-01T00:00:00Z'), unit_name: null, unit_hsa_id: null, unit_school_unit_code: null }
  ],
  catalog: { domain: 'socialtjanst', version: '3' },
  sourceAsOf: '2026-03-01T00:00:00.000Z',
  status: { idx: 7, uri: 'https://behorig.test/status-lists/1' },
  jti: 'a-jti',
  issuedAt: 1_772_444_800,
  expiresAt: 1_772_445_100
}

t.test('every format is registered under its own name, and the default is attribute-token+jwt', async (t) => {
  for (const [name, format] of ATTRIBUTE_TOKEN_FORMATS) t.equal(format.name, name)
  t.equal(DEFAULT_ATTRIBUTE_TOKEN_FORMAT, 'attribute-token+jwt')
  t.throws(() => attributeTokenFormat('sd-jwt-vc'), /no attribute token format sd-jwt-vc/)
})

t.test('the JWT format writes the claims docs/tokens.md lists from the decision', async (t) => {
  const format = attributeTokenFormat('attribute-token+jwt')
  t.equal(format.typ, 'attribute-token+jwt')
  t.equal(format.mediaType, 'application/attribute-token+jwt')
  t.same(format.claims(decision), {
    iss: 'https://behorig.test',
    sub: 'pairwise-sub',
    aud: 'fk',
    iat: 1_772_444_800,
    nbf: 1_772_444_800,
    exp: 1_772_445_100,
    jti: 'a-jti',
    organisation: { number: '2129999997', name: 'Exempel kommun' },
    attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb' }, { id: 'socialtjanst.eb.attestant', valid_until: '2026-12-31' }],
    catalog: { domain: 'socialtjanst', version: '3' },
    source_as_of: '2026-03-01T00:00:00.000Z',
    status: { status_list: { idx: 7, uri: 'https://behorig.test/status-lists/1' } }
  })
  t.same(Object.keys(format.claims(decision)), ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'organisation', 'attributes', 'catalog', 'source_as_of', 'status'], 'in the order tokens have always had')
})

t.test('under claims_profile sweden the JWT format adds the national names after the v1 claims, and unit identifiers to items with a unit', async (t) => {
  const format = attributeTokenFormat('attribute-token+jwt')
  const national = { orgAffiliation: 'anna.a@2129999997', entitlements: ['urn:behorig:entitlement:socialtjanst.eb.handlaggare:unit:2129999997:soc-eb', 'urn:behorig:entitlement:socialtjanst.eb.attestant'] }
  const schoolUnit = { ...decision.attributes[0] as HeldAttribute, unit_hsa_id: null, unit_school_unit_code: '12345678' }
  const claims = format.claims({ ...decision, attributes: [...decision.attributes, schoolUnit], national, login: { acr: 'http://id.elegnamnden.se/loa/1.0/loa3' } })
  t.same(claims['attributes'], [
    { id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb', unit_name: 'Ekonomiskt bistånd', unit_hsa_id: 'SE2129999997-E1' },
    { id: 'socialtjanst.eb.attestant', valid_until: '2026-12-31' },
    { id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb', unit_name: 'Ekonomiskt bistånd', school_unit_code: '12345678' }
  ], 'only the unit identifiers the HR source gave, and none on an organisation-wide attribute')
  t.equal(claims['https://id.oidc.se/claim/orgNumber'], '2129999997')
  t.equal(claims['https://id.oidc.se/claim/orgName'], 'Exempel kommun')
  t.equal(claims['https://id.oidc.se/claim/orgAffiliation'], 'anna.a@2129999997')
  t.same(claims['eduperson_entitlement'], national.entitlements)
  t.same(Object.keys(claims), ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'organisation', 'attributes', 'catalog', 'source_as_of', 'status',
    'https://id.oidc.se/claim/orgNumber', 'https://id.oidc.se/claim/orgName', 'https://id.oidc.se/claim/orgAffiliation', 'eduperson_entitlement', 'acr'])
  const pairwise = format.claims({ ...decision, national: { entitlements: national.entitlements } })
  t.notOk('https://id.oidc.se/claim/orgAffiliation' in pairwise, 'no orgAffiliation unless the service decided one')
})

t.test('the JWT format adds the login\'s acr and auth_time, last, only for a token issued from one', async (t) => {
  const format = attributeTokenFormat('attribute-token+jwt')
  const acr = 'http://id.elegnamnden.se/loa/1.0/loa3'
  const fromLogin = format.claims({ ...decision, login: { acr, authTime: 1_772_444_700 } })
  t.match(fromLogin, { acr, auth_time: 1_772_444_700 })
  t.same(Object.keys(fromLogin).slice(-3), ['status', 'acr', 'auth_time'])
  const untimed = format.claims({ ...decision, login: { acr } })
  t.equal(untimed['acr'], acr)
  t.notOk('auth_time' in untimed)
  const direct = format.claims(decision)
  t.notOk('acr' in direct)
  t.notOk('auth_time' in direct)
})

t.test('the JWT format signs with the signer it is given, under its typ', async (t) => {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const signer: TokenSigner = { sign: (header, payload) => new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(privateKey) }
  const token = await attributeTokenFormat('attribute-token+jwt').sign(decision, signer)
  const { payload, protectedHeader } = await jwtVerify(token, publicKey, { typ: 'attribute-token+jwt', currentDate: new Date(1_772_444_900_000) })
  t.equal(protectedHeader.typ, 'attribute-token+jwt')
  t.equal(payload.jti, 'a-jti')
})
