import t from 'tap'
import { generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { ATTRIBUTE_TOKEN_FORMATS, attributeTokenFormat, DEFAULT_ATTRIBUTE_TOKEN_FORMAT } from '../../src/tokens/formats/format-registry.js'
import type { IssuanceDecision, TokenSigner } from '../../src/tokens/formats/attribute-token-format.js'

const decision: IssuanceDecision = {
  issuer: 'https://behorig.test',
  audience: 'fk',
  subject: 'pairwise-sub',
  organisation: { number: '2129999997', name: 'Exempel kommun' },
  attributes: [
    { attribute_id: 'socialtjanst.eb.handlaggare', domain: 'socialtjanst', unit_id: 'soc-eb', valid_from: '2026-01-01', valid_until: null, catalog_version: '3', source_as_of: null, computed_at: new Date('2026-03-01T00:00:00Z') },
    { attribute_id: 'socialtjanst.eb.attestant', domain: 'socialtjanst', unit_id: null, valid_from: '2026-01-01', valid_until: '2026-12-31', catalog_version: '3', source_as_of: null, computed_at: new Date('2026-03-01T00:00:00Z') }
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
