import t, { type Test } from 'tap'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { buildTestApp, openTestStore, adminHeaders } from '../helpers/app.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { clientAssertion, clientKey, tokenRequest, type ClientKey } from '../helpers/relying-party.js'
import { testFederation, type Entity } from '../helpers/test-federation.js'
import { seededOrganisation, verifyAttributeToken } from '../tokens/helpers/token-app.js'

const ISSUER = 'https://behorig.test'
const MARK = 'https://federation.test/trust-marks/kommunal-behorighet'
const HOUR = 3_600_000

const fed = await testFederation()
const ta = await fed.entity('ta')
const intermediate = await fed.entity('int')
const tmi = await fed.entity('tmi')
ta.configuration['trust_mark_issuers'] = { [MARK]: [tmi.id] }
fed.subordinate(ta, intermediate, {
  metadata_policy: { oauth_client: { token_endpoint_auth_signing_alg: { one_of: ['ES256', 'EdDSA'] }, contacts: { add: ['federation@ta.test'] } } }
})
fed.subordinate(ta, tmi)

/** An agency under `superior`: oauth_client metadata with its client key, and the required trust mark unless told otherwise. */
async function agency (name: string, superior: Entity, options: { mark?: boolean, client?: Record<string, unknown>, statement?: Record<string, unknown> } = {}): Promise<{ entity: Entity, key: ClientKey }> {
  const key = await clientKey()
  const entity = await fed.entity(name)
  entity.configuration['metadata'] = {
    federation_entity: { organization_name: `Myndigheten ${name}` },
    oauth_client: { client_name: name, token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [key.publicJwk] }, ...options.client }
  }
  if (options.mark !== false) entity.configuration['trust_marks'] = [{ trust_mark_type: MARK, trust_mark: await fed.trustMark(tmi, entity, MARK) }]
  fed.subordinate(superior, entity, { ttl: 3600, ...options.statement })
  return { entity, key }
}

const good = await agency('forsakringskassan', intermediate)
const store = await openTestStore()
const test = await buildTestApp(store, {
  BEHORIG_ISSUER: ISSUER,
  ...allowLoopbackFetch,
  BEHORIG_FEDERATION_TRUST_ANCHORS: fed.anchorConfig(ta),
  BEHORIG_FEDERATION_REQUIRED_TRUST_MARK: MARK,
  BEHORIG_FEDERATION_DEFAULT_RELEASE: JSON.stringify({ domains: ['socialtjanst'], organisations: 'all', subject: 'pairwise' })
}, { jwksFetch: { ca: fed.ca }, federationClock: () => fed.clock.now })
const { app } = test

async function requestToken (party: { entity: Entity, key: ClientKey }) {
  return tokenRequest(app, await clientAssertion(party.key, party.entity.id, ISSUER))
}

async function refused (t: Test, party: { entity: Entity, key: ClientKey }, reason: RegExp) {
  const res = await requestToken(party)
  t.equal(res.statusCode, 401, res.body)
  t.equal(res.json().error, 'invalid_client')
  t.match(res.json().error_description, reason)
}

t.test('a federated agency gets an access token with its entity id as client_id, without being registered', async (t) => {
  const res = await requestToken(good)
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().token_type, 'Bearer')
  const list = (await app.inject({ method: 'GET', url: '/v1/relying-parties', headers: adminHeaders })).json() as { items: Array<Record<string, any>> }
  const party = list.items.find((p) => p.client_id === good.entity.id)
  t.ok(party, 'it is listed among the relying parties')
  t.equal(party?.name, 'Myndigheten forsakringskassan')
  t.equal(party?.federation.trust_anchor, ta.id)
  t.equal(Date.parse(party?.federation.expires_at), (Math.floor(fed.clock.now / 1000) + 3600) * 1000, 'cached until the earliest exp: the intermediate\'s statement about it')
  t.same(party?.federation.metadata.oauth_client.contacts, ['federation@ta.test'], 'the trust anchor\'s metadata policy was applied')
  t.same(party?.release.domains, ['socialtjanst'], 'its release is the configured federation default')
  t.notOk('organisation' in (party ?? {}))
  const one = await app.inject({ method: 'GET', url: `/v1/relying-parties/${encodeURIComponent(good.entity.id)}`, headers: adminHeaders })
  t.equal(one.statusCode, 200, 'it is read by its entity id')
  t.equal(one.json().federation.trust_anchor, ta.id)
  const put = await app.inject({ method: 'PUT', url: `/v1/relying-parties/${encodeURIComponent(good.entity.id)}`, headers: adminHeaders, payload: { name: 'x', organisation: '2021005521', jwks: { keys: [good.key.publicJwk] }, release: { domains: ['socialtjanst'] } } })
  t.equal(put.statusCode, 400, 'and never registered by hand')
})

t.test('once an organisation approves its entity id, a federated agency gets an attribute token about the organisation\'s staff', async (t) => {
  const org = await seededOrganisation(test)
  const bearer = { authorization: `Bearer ${(await requestToken(good)).json().access_token as string}` }
  const ask = () => app.inject({ method: 'POST', url: '/v1/attribute-tokens', headers: bearer, payload: { subject: { type: 'employee-number', value: '1001', organisation: org }, domain: 'socialtjanst' } })
  t.equal((await ask()).statusCode, 404, 'nothing until the organisation approves it')
  const approval = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/relying-party-approvals/${encodeURIComponent(good.entity.id)}`, headers: adminHeaders, payload: { attributes: 'all-released', purposes: [], agreement: 'Avtal 2026/21' } })
  t.equal(approval.statusCode, 201, approval.body)
  const res = await ask()
  t.equal(res.statusCode, 200, res.body)
  const { payload } = await verifyAttributeToken(app, res.json().attribute_token, good.entity.id)
  t.equal(payload.aud, good.entity.id, 'the token is addressed to the entity id')
  t.match(payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }])
})

t.test('a federated agency exchanges a login at the token endpoint for an attribute token (RFC 8693)', async (t) => {
  const org = await seededOrganisation(test, 'Grannkommun')
  const idp = await generateKeyPair('ES256')
  const idpJwk = { ...await exportJWK(idp.publicKey), kid: 'idp-1', alg: 'ES256', use: 'sig' }
  const registered = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/identity-provider`, headers: adminHeaders, payload: { issuer: 'https://idp.grannkommun.test', jwks: { keys: [idpJwk] }, subject: { claim: 'employee_number', type: 'employee-number' } } })
  t.equal(registered.statusCode, 201, registered.body)
  const login = await new SignJWT({ aud: good.entity.id, acr: 'http://id.elegnamnden.se/loa/1.0/loa3', employee_number: '1001' })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' }).setIssuer('https://idp.grannkommun.test').setSubject('user-abc').setIssuedAt().setExpirationTime('5m')
    .sign(idp.privateKey)
  const approval = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/relying-party-approvals/${encodeURIComponent(good.entity.id)}`, headers: adminHeaders, payload: { attributes: ['socialtjanst.eb.handlaggare'], purposes: [], agreement: 'Avtal 2026/22' } })
  t.equal(approval.statusCode, 201, approval.body)
  const jwt = 'urn:ietf:params:oauth:token-type:jwt'
  const res = await tokenRequest(app, await clientAssertion(good.key, good.entity.id, ISSUER), { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: login, subject_token_type: jwt, requested_token_type: jwt, domain: 'socialtjanst' })
  t.equal(res.statusCode, 200, res.body)
  const { payload } = await verifyAttributeToken(app, res.json().access_token, good.entity.id)
  t.match(payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare' }])
})

t.test('a trust chain that does not hold is refused as invalid_client with a short reason', async (t) => {
  t.test('an expired subordinate statement', async (t) => {
    await refused(t, await agency('expired', intermediate, { statement: { ttl: -3600 } }), /int's statement about .*expired has expired/)
  })
  t.test('a broken signature', async (t) => {
    const broken = await fed.entity('int-broken')
    fed.subordinate(ta, broken)
    broken.tamper = (jwt, path) => path.endsWith('/fetch') ? jwt.slice(0, -6) + (jwt.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA') : jwt
    await refused(t, await agency('tampered', broken), /signature does not verify/)
  })
  t.test('a missing trust mark', async (t) => {
    await refused(t, await agency('unmarked', intermediate, { mark: false }), /no trust mark of type/)
  })
  t.test('a trust mark from an issuer the trust anchor does not allow', async (t) => {
    const party = await agency('self-marked', intermediate)
    party.entity.configuration['trust_marks'] = [{ trust_mark_type: MARK, trust_mark: await fed.trustMark(intermediate, party.entity, MARK) }]
    await refused(t, party, /does not allow .* to issue trust marks/)
  })
  t.test('a metadata policy violation', async (t) => {
    await refused(t, await agency('rsa-only', intermediate, { client: { token_endpoint_auth_signing_alg: 'RS256' } }), /metadata policy: oauth_client.token_endpoint_auth_signing_alg/)
  })
  t.test('a loop in authority hints', async (t) => {
    const a = await fed.entity('loop-a')
    const b = await fed.entity('loop-b')
    fed.subordinate(a, b)
    fed.subordinate(b, a)
    await refused(t, await agency('looper', a), /loop in authority hints/)
  })
  t.test('a trust anchor that is not configured', async (t) => {
    const rogue = await fed.entity('rogue')
    await refused(t, await agency('rogue-agency', rogue), /no configured trust anchor/)
  })
  t.test('a superior\'s constraints the chain breaks', async (t) => {
    const oidcOnly = await fed.entity('int-oidc-only')
    fed.subordinate(ta, oidcOnly, { constraints: { allowed_entity_types: ['openid_relying_party'] } })
    await refused(t, await agency('wrong-type', oidcOnly), /does not allow entities of type oauth_client/)
    const flat = await fed.entity('int-flat')
    const deeper = await fed.entity('int-deeper')
    fed.subordinate(ta, flat, { constraints: { max_path_length: 0 } })
    fed.subordinate(flat, deeper)
    await refused(t, await agency('too-deep', deeper), /allows at most 0 intermediates below/)
    const named = await fed.entity('int-named')
    fed.subordinate(ta, named, { constraints: { naming_constraints: { permitted: ['.myndighet.example.se'] } } })
    await refused(t, await agency('unnamed', named), /naming constraints do not permit/)
  })
  t.test('keys in jwks_uri only', async (t) => {
    await refused(t, await agency('remote-keys', intermediate, { client: { jwks: undefined, jwks_uri: 'https://127.0.0.1/jwks' } }), /jwks_uri or signed_jwks_uri only/)
  })
})

t.test('every federation fetch goes through the outbound guard: a loopback federation is refused unless BEHORIG_ALLOW_PRIVATE_FETCH names it', async (t) => {
  const strict = await buildTestApp(await openTestStore('pglite'), {
    BEHORIG_ISSUER: ISSUER,
    BEHORIG_FEDERATION_TRUST_ANCHORS: fed.anchorConfig(ta),
    BEHORIG_FEDERATION_DEFAULT_RELEASE: JSON.stringify({ domains: ['socialtjanst'] })
  }, { jwksFetch: { ca: fed.ca }, federationClock: () => fed.clock.now })
  const party = await agency('guarded', intermediate)
  const res = await tokenRequest(strict.app, await clientAssertion(party.key, party.entity.id, ISSUER))
  t.equal(res.statusCode, 401)
  t.match(res.json().error_description, /could not be read: the host is a loopback address/)
})

t.test('a chain is used until its earliest exp; a party removed from the federation is refused at its next request after that', async (t) => {
  const leaving = await agency('leaving', intermediate)
  t.equal((await requestToken(leaving)).statusCode, 200)
  const accessToken = (await requestToken(leaving)).json().access_token as string
  intermediate.subordinates.set(leaving.entity.id, 'removed')
  fed.clock.now += HOUR - 60_000
  t.equal((await requestToken(leaving)).statusCode, 200, 'before the chain expires the cached chain stands')

  fed.clock.now += 2 * 60_000
  const issued = await app.inject({ method: 'POST', url: '/v1/attribute-tokens', headers: { authorization: `Bearer ${accessToken}` }, payload: { subject: { type: 'employee-number', value: '1', organisation: '2129999997' }, domain: 'socialtjanst' } })
  t.equal(issued.statusCode, 401, 'an access token from before is refused once the chain no longer resolves')
  await refused(t, leaving, /could not be read: it answered 404/)
  const party = (await app.inject({ method: 'GET', url: '/v1/relying-parties', headers: adminHeaders })).json().items.find((p: { client_id: string }) => p.client_id === leaving.entity.id)
  t.equal(party.disabled, true, 'it is disabled')
  t.match(party.federation.refused, /404/)

  t.equal((await requestToken(good)).statusCode, 200, 'an agency still in the federation resolves again after its chain expired')
})
