import t from 'tap'
import { Writable } from 'node:stream'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest, type ClientKey } from '../helpers/relying-party.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { personByNumber } from '../mapping/helpers/mapping-app.js'
import { agency, ISSUER, PIN, requestToken, seededOrganisation, tokenTestApp, verifyAttributeToken } from './helpers/token-app.js'
import { problemType } from '../helpers/problem-type.js'

let logs = ''
const logStream = new Writable({ write (chunk: Buffer, _enc, done) { logs += chunk.toString(); done() } })
const test = await tokenTestApp({ logStream }, { LOG_LEVEL: 'trace' })
const { app } = test
const org = await seededOrganisation(test)
const fk = await agency(app, 'fk', { release: { attributes: ['socialtjanst.eb.handlaggare'] }, token_lifetime: 120 })
await approveRelyingParty(app, org, fk.clientId)
const fkHeaders = await fk.bearer()

async function agencyBearer (party: { clientId: string, key: ClientKey }): Promise<{ authorization: string }> {
  const res = await tokenRequest(app, await clientAssertion(party.key, party.clientId, ISSUER))
  if (res.statusCode !== 200) throw new Error(res.body)
  return { authorization: `Bearer ${res.json().access_token as string}` }
}

t.test('issues a signed attribute token with exactly the contract\'s claims', async (t) => {
  const res = await requestToken(app, fkHeaders, { type: 'employee-number', value: '1001', organisation: org })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['attribute_token', 'expires_in'])
  t.equal(body.expires_in, 120)
  const { payload, header } = await verifyAttributeToken(app, body.attribute_token, 'fk')
  t.same(Object.keys(header).sort(), ['alg', 'kid', 'typ'])
  t.equal(header['typ'], 'attribute-token+jwt')
  t.equal(header['alg'], 'ES256')
  t.same(Object.keys(payload).sort(), ['attributes', 'aud', 'catalog', 'exp', 'iat', 'iss', 'jti', 'nbf', 'organisation', 'source_as_of', 'status', 'sub'])
  t.equal(payload.iss, ISSUER)
  t.equal(payload.aud, 'fk')
  t.equal(payload.nbf, payload.iat)
  t.equal((payload.exp as number) - (payload.iat as number), 120)
  t.same(payload['organisation'], { number: org, name: 'Exempelkommun' })
  t.same(payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }], 'unit-scoped, open-ended: no valid_until')
  t.same(payload['catalog'], { domain: 'socialtjanst', version: '1.0.0' })
  const runs = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs`, headers: adminHeaders })).json().items as Array<{ finished_at: string }>
  t.equal(payload['source_as_of'], new Date(runs[0]?.finished_at as string).toISOString(), 'the HR run that produced the attribute')
  const status = (payload['status'] as { status_list: { idx: number, uri: string } }).status_list
  t.match(status.uri, new RegExp(`^${ISSUER}/status-lists/\\d+$`))
  t.ok(Number.isInteger(status.idx))

  const recorded = await test.store.db.selectFrom('attribute_tokens').selectAll().where('jti', '=', payload.jti as string).executeTakeFirstOrThrow()
  const person = await personByNumber(app, org, '1001')
  t.match(recorded, { client_id: 'fk', organisation: org, person_id: person.id, status_idx: status.idx, revoked_at: null })
  t.equal(new Date(recorded.expires_at).getTime(), (payload.exp as number) * 1000)
})

t.test('releases only what the policy names, by attribute id or by domain', async (t) => {
  const byId = await verifyAttributeToken(app, (await requestToken(app, fkHeaders, { type: 'employee-number', value: '1002', organisation: org })).json().attribute_token, 'fk')
  t.same(byId.payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-syd' }], 'not the bu attribute 1002 also holds')
  const bu = await agency(app, 'bu-only', { release: { attributes: ['socialtjanst.bu.handlaggare'] } })
  await approveRelyingParty(app, org, bu.clientId)
  const buToken = await verifyAttributeToken(app, (await requestToken(app, await bu.bearer(), { type: 'employee-number', value: '1002', organisation: org })).json().attribute_token, 'bu-only')
  t.same(buToken.payload['attributes'], [{ id: 'socialtjanst.bu.handlaggare', unit: 'soc-bu' }])
  const domain = await agency(app, 'whole-domain', { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(app, org, domain.clientId)
  const all = await verifyAttributeToken(app, (await requestToken(app, await domain.bearer(), { type: 'employee-number', value: '1002', organisation: org })).json().attribute_token, 'whole-domain')
  t.same(all.payload['attributes'], [{ id: 'socialtjanst.bu.handlaggare', unit: 'soc-bu' }, { id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-syd' }])
  const other = await agency(app, 'skola-only', { release: { domains: ['skola'] } })
  await approveRelyingParty(app, org, other.clientId)
  const none = await requestToken(app, await other.bearer(), { type: 'employee-number', value: '1002', organisation: org })
  t.equal(none.statusCode, 404, 'nothing releasable')
})

t.test('a pairwise sub is stable for one relying party, unlinkable across them, and not the person id', async (t) => {
  const subOf = async (headers: { authorization: string }, audience: string) =>
    (await verifyAttributeToken(app, (await requestToken(app, headers, { type: 'employee-number', value: '1001', organisation: org })).json().attribute_token, audience)).payload.sub as string
  const first = await subOf(fkHeaders, 'fk')
  t.equal(await subOf(await fk.bearer(), 'fk'), first, 'stable across requests and access tokens')
  const csn = await agency(app, 'csn', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
  await approveRelyingParty(app, org, csn.clientId)
  const second = await subOf(await csn.bearer(), 'csn')
  t.not(second, first, 'another relying party sees another sub')
  const person = await personByNumber(app, org, '1001') as { id: string, service_id?: string }
  for (const sub of [first, second]) {
    t.match(sub, /^[A-Za-z0-9_-]{43}$/, 'a 256-bit keyed digest')
    t.notOk(sub.includes(person.id))
  }
  const byEmail = await verifyAttributeToken(app, (await requestToken(app, fkHeaders, { type: 'email', value: 'P1001@Exempel.se', organisation: org })).json().attribute_token, 'fk')
  t.equal(byEmail.payload.sub, first, 'the same person found by e-mail (case-insensitive) has the same sub')
})

t.test('a service-id policy gets the service identity, and service ids find people', async (t) => {
  const person = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?employee_number=1001`, headers: adminHeaders })).json().items[0] as { service_id: string }
  const sid = await agency(app, 'sid', { release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'service-id' } })
  await approveRelyingParty(app, org, sid.clientId)
  const res = await requestToken(app, await sid.bearer(), { type: 'service-id', value: person.service_id, organisation: org })
  t.equal(res.statusCode, 200, res.body)
  t.equal((await verifyAttributeToken(app, res.json().attribute_token, 'sid')).payload.sub, person.service_id)
})

t.test('the personnummer is the sub only under a policy with a legal basis, and never reaches the log', async (t) => {
  const refused = await app.inject({ method: 'PUT', url: '/v1/relying-parties/no-basis', headers: adminHeaders, payload: relyingPartyDocument([fk.key], { release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'personal-identity-number' } }) })
  t.equal(refused.statusCode, 422, 'no legal basis, no registration')
  const pinParty = await agency(app, 'pin', { release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'personal-identity-number', legal_basis: 'Socialförsäkringsbalken (2010:110) 110 kap. 31 §' } })
  await approveRelyingParty(app, org, pinParty.clientId)
  const res = await requestToken(app, await pinParty.bearer(), { type: 'personal-identity-number', value: '19811228-9874', organisation: org })
  t.equal(res.statusCode, 200, res.body)
  t.equal((await verifyAttributeToken(app, res.json().attribute_token, 'pin')).payload.sub, PIN)
  const pairwise = await requestToken(app, fkHeaders, { type: 'personal-identity-number', value: PIN, organisation: org })
  t.not(decodeJwt(pairwise.json().attribute_token).sub, PIN, 'looking up by personnummer does not put it in a pairwise token')
  const missing = await requestToken(app, await pinParty.bearer(), { type: 'employee-number', value: '1002', organisation: org })
  t.equal(missing.statusCode, 404, 'no token when no source gave the personnummer the policy asks for')
  t.ok(logs.includes('/v1/attribute-tokens'), 'the requests were logged')
  for (const secret of [PIN, '19811228-9874', '19811228']) t.notOk(logs.includes(secret), 'the personnummer is not in the log')
})

t.test('unknown subject, foreign organisation and nothing releasable get one indistinguishable 404', async (t) => {
  const limited = await agency(app, 'limited', { release: { attributes: ['socialtjanst.eb.handlaggare'], organisations: [randomOrganisationNumber()] } })
  await approveRelyingParty(app, org, limited.clientId)
  const limitedHeaders = await limited.bearer()
  const answers = [
    await requestToken(app, fkHeaders, { type: 'employee-number', value: '9999', organisation: org }),
    await requestToken(app, fkHeaders, { type: 'employee-number', value: '1003', organisation: org }),
    await requestToken(app, fkHeaders, { type: 'employee-number', value: '1001', organisation: randomOrganisationNumber() }),
    await requestToken(app, limitedHeaders, { type: 'employee-number', value: '1001', organisation: org }),
    await requestToken(app, fkHeaders, { type: 'personal-identity-number', value: '198112289875', organisation: org }),
    await requestToken(app, fkHeaders, { type: 'email', value: 'nobody@exempel.se', organisation: org })
  ]
  const first = answers[0]!
  t.equal(first.statusCode, 404)
  t.equal(first.json().type, problemType('subject-not-found', ISSUER))
  for (const res of answers) {
    t.equal(res.statusCode, 404)
    t.same(res.json(), first.json())
    t.same(Object.keys(res.headers).filter((h) => h !== 'date' && h !== 'x-request-id').sort(), Object.keys(first.headers).filter((h) => h !== 'date' && h !== 'x-request-id').sort())
  }
})

t.test('a disabled relying party is refused at once, its live access token too', async (t) => {
  const party = await agency(app, 'soon-disabled', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
  await approveRelyingParty(app, org, party.clientId)
  const headers = await party.bearer()
  t.equal((await requestToken(app, headers, { type: 'employee-number', value: '1001', organisation: org })).statusCode, 200)
  await registerRelyingParty(app, 'soon-disabled', relyingPartyDocument([party.key], { release: { attributes: ['socialtjanst.eb.handlaggare'] }, disabled: true }))
  const res = await requestToken(app, headers, { type: 'employee-number', value: '1001', organisation: org })
  t.equal(res.statusCode, 401)
  t.equal(res.json().type, problemType('invalid-access-token', ISSUER))
  const refusal = await app.behorig.tokenServices.attributeTokens.issueFor('soon-disabled', org, { type: 'employee-number', value: '1001' }, undefined, { acr: 'http://id.elegnamnden.se/loa/1.0/loa3' })
    .then(() => undefined, (err: unknown) => err)
  t.match(refusal, { definition: { slug: 'relying-party-disabled', status: 403 } }, 'the service refuses a disabled party whatever let it in')
  await app.behorig.tokenServices.relyingParties.delete('soon-disabled')
  const deleted = await requestToken(app, headers, { type: 'employee-number', value: '1001', organisation: org })
  t.equal(deleted.statusCode, 401, 'a deleted party\'s live access token is refused too')
  t.equal(deleted.json().type, problemType('invalid-access-token', ISSUER))
})

t.test('an access token dies with the registration and the key set it was issued under', async (t) => {
  const subject = { type: 'employee-number', value: '1001', organisation: org }
  const release = { release: { attributes: ['socialtjanst.eb.handlaggare'] } }
  const party = await agency(app, 'rekeyed', release)
  await approveRelyingParty(app, org, party.clientId)
  const refusedBearer = async (headers: { authorization: string }, why: string) => {
    const res = await requestToken(app, headers, subject)
    t.equal(res.statusCode, 401, why)
    t.equal(res.json().type, problemType('invalid-access-token', ISSUER))
    t.match(res.headers['www-authenticate'], /error="invalid_token"/, 'RFC 6750 §3.1')
  }

  const beforeRecreate = await party.bearer()
  t.equal((await requestToken(app, beforeRecreate, subject)).statusCode, 200)
  await app.behorig.tokenServices.relyingParties.delete('rekeyed')
  await registerRelyingParty(app, 'rekeyed', relyingPartyDocument([party.key], release))
  await refusedBearer(beforeRecreate, 'deleted and registered again, with the very same document: the old token is refused')
  t.equal((await requestToken(app, await party.bearer(), subject)).statusCode, 200, 'a new token works')

  const beforeRekey = await party.bearer()
  const next = await clientKey()
  await registerRelyingParty(app, 'rekeyed', relyingPartyDocument([next], release))
  await refusedBearer(beforeRekey, 'keys replaced: the old token is refused')
  const rekeyed = { ...party, key: next }
  const beforeAddedKey = await agencyBearer(rekeyed)
  const keys = [next, await clientKey()]
  await registerRelyingParty(app, 'rekeyed', relyingPartyDocument(keys, release))
  await refusedBearer(beforeAddedKey, 'a key added: the key set changed, the old token is refused')

  const current = await agencyBearer(rekeyed)
  await registerRelyingParty(app, 'rekeyed', relyingPartyDocument(keys, { ...release, name: 'Renamed e-service' }))
  await registerRelyingParty(app, 'rekeyed', relyingPartyDocument(keys, { release: { domains: ['socialtjanst'] }, token_lifetime: 60 }))
  const res = await requestToken(app, current, subject)
  t.equal(res.statusCode, 200, 'name, release policy and token lifetime changed, keys not: the token still works, under the policy as it is now')
  t.equal(res.json().expires_in, 60)

  await registerRelyingParty(app, 'rekeyed', relyingPartyDocument(keys, { ...release, disabled: true }))
  await registerRelyingParty(app, 'rekeyed', relyingPartyDocument(keys, release))
  await refusedBearer(current, 'disabled and enabled again: tokens from before the disabling stay dead')
})

t.test('only relying parties may ask, and the request is validated', async (t) => {
  t.equal((await requestToken(app, adminHeaders, { type: 'employee-number', value: '1001', organisation: org })).statusCode, 401)
  const bad = await requestToken(app, fkHeaders, { type: 'hsa-id', value: 'x', organisation: org })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().type, problemType('validation-failed', ISSUER))
  t.equal(decodeProtectedHeader((await requestToken(app, fkHeaders, { type: 'employee-number', value: '1001', organisation: `${org.slice(0, 6)}-${org.slice(6)}` })).json().attribute_token).typ, 'attribute-token+jwt', 'NNNNNN-NNNN accepted')
})
