import t from 'tap'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { adminHeaders } from '../helpers/app.js'
import { decodeStatusList, statusAt } from '../helpers/status-list.js'
import { problemType } from '../helpers/problem-type.js'
import { evaluationDay } from '../../src/mapping/evaluation-day.js'
import { issuanceLedger } from '../../src/tokens/issuance-ledger.js'
import { agency, ISSUER, requestToken, seededOrganisation, tokenTestApp, verifyAttributeToken, type Agency } from '../tokens/helpers/token-app.js'

const DAY = 86_400_000
let clock = new Date()
const test = await tokenTestApp({ now: () => clock })
const { app } = test
const org = await seededOrganisation(test)
const other = await seededOrganisation(test, 'Grannkommun')
const today = evaluationDay(clock)
const EB = 'socialtjanst.eb.handlaggare'
const BU = 'socialtjanst.bu.handlaggare'
const url = (clientId: string, organisation = org) => `/v1/organisations/${organisation}/relying-party-approvals/${encodeURIComponent(clientId)}`
const approve = (clientId: string, body: Record<string, unknown>, headers: Record<string, string> = adminHeaders, organisation = org) =>
  app.inject({ method: 'PUT', url: url(clientId, organisation), headers, payload: { agreement: 'Avtal 2026/14', ...body } })
const withdraw = (clientId: string, headers: Record<string, string> = adminHeaders) => app.inject({ method: 'DELETE', url: url(clientId), headers })

interface Issued { status: number, claims?: Record<string, unknown>, ref?: { idx: number, uri: string } }

async function ask (party: Agency, employeeNumber: string, extra: Record<string, unknown> = {}, organisation = org): Promise<Issued> {
  const res = await requestToken(app, await party.bearer(), { type: 'employee-number', value: employeeNumber, organisation }, extra)
  if (res.statusCode !== 200) return { status: res.statusCode, claims: res.json() }
  const { payload } = await verifyAttributeToken(app, res.json().attribute_token, party.clientId)
  return { status: 200, claims: payload, ref: (payload['status'] as { status_list: { idx: number, uri: string } }).status_list }
}

/** A token's status as a verifier reads it: the list token verified, `lst` inflated, bit idx read. */
async function statusOf (ref: { idx: number, uri: string }): Promise<number> {
  const res = await app.inject({ method: 'GET', url: new URL(ref.uri).pathname, headers: { accept: 'application/statuslist+jwt' } })
  const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet)
  const { payload } = await jwtVerify(res.body, jwks, { issuer: ISSUER, typ: 'statuslist+jwt', subject: ref.uri })
  return statusAt(decodeStatusList((payload['status_list'] as { lst: string }).lst), ref.idx)
}

const attributeIds = (issued: Issued) => (issued.claims?.['attributes'] as Array<{ id: string }>).map((a) => a.id).sort()

async function auditOf (action: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/audit?action=${action}`, headers: adminHeaders })
  return res.json().items as Array<{ actor: Record<string, unknown>, client_id: string, details: Record<string, unknown> }>
}

t.test('a registered party gets the unknown-person 404 for an organisation\'s staff until the organisation approves it', async (t) => {
  const party = await agency(app, 'unapproved', { release: { domains: ['socialtjanst'] } })
  const before = await ask(party, '1001')
  const stranger = await ask(party, '9999')
  t.equal(before.status, 404)
  t.same(before.claims, stranger.claims, 'indistinguishable from a person the organisation does not employ')
  t.equal((await approve('unapproved', { attributes: 'all-released' })).statusCode, 201)
  t.equal((await ask(party, '1001')).status, 200)
  t.equal((await ask(party, '1001', {}, other)).status, 404, 'another organisation\'s approval is its own')
})

t.test('an approval narrower than the policy releases only the intersection', async (t) => {
  const party = await agency(app, 'narrow', { release: { domains: ['socialtjanst'] } })
  t.equal((await approve('narrow', { attributes: [BU] })).statusCode, 201)
  t.same(attributeIds(await ask(party, '1002')), [BU], 'the policy releases eb and bu; the approval bu only')
  t.equal((await ask(party, '1001')).status, 404, 'someone holding only what is not approved is not found')
  const policyNarrower = await agency(app, 'policy-narrow', { release: { attributes: [EB] } })
  t.equal((await approve('policy-narrow', { attributes: [EB, BU] })).statusCode, 201)
  t.same(attributeIds(await ask(policyNarrower, '1002')), [EB], 'an approval never widens the policy')
})

t.test('withdrawal stops issuance and revokes the party\'s live tokens about the organisation\'s people', async (t) => {
  const party = await agency(app, 'withdrawn', { release: { domains: ['socialtjanst'] } })
  t.equal((await approve('withdrawn', { attributes: 'all-released' })).statusCode, 201)
  t.equal((await approve('withdrawn', { attributes: 'all-released' }, adminHeaders, other)).statusCode, 201)
  const [anna, bo, elsewhere] = [await ask(party, '1001'), await ask(party, '1002'), await ask(party, '1001', {}, other)]
  const bystander = await agency(app, 'bystander', { release: { domains: ['socialtjanst'] } })
  t.equal((await approve('bystander', { attributes: 'all-released' })).statusCode, 201)
  const untouched = await ask(bystander, '1001')
  t.equal(await statusOf(anna.ref!), 0)

  const res = await withdraw('withdrawn')
  t.equal(res.statusCode, 204, res.body)
  t.equal(await statusOf(anna.ref!), 1, 'status bit set')
  t.equal(await statusOf(bo.ref!), 1)
  t.equal(await statusOf(elsewhere.ref!), 0, 'its tokens about another organisation\'s people stand')
  t.equal(await statusOf(untouched.ref!), 0, 'another party\'s tokens stand')
  const rows = await test.store.db.selectFrom('attribute_tokens').select(['jti', 'revoked_at']).where('client_id', '=', 'withdrawn').where('organisation', '=', org).execute()
  t.ok(rows.length === 2 && rows.every((r) => r.revoked_at !== null), 'marked revoked in the ledger')
  t.equal((await ask(party, '1001')).status, 404, 'no further token')
  t.equal((await app.inject({ method: 'GET', url: url('withdrawn'), headers: adminHeaders })).statusCode, 404)
  t.equal((await withdraw('withdrawn')).json().type, problemType('unknown-relying-party-approval', ISSUER), 'withdrawing twice')
  const [event] = await auditOf('relying-party-approval.withdrawn')
  t.match(event, { actor: { kind: 'platform-admin' }, client_id: 'withdrawn', details: { client_id: 'withdrawn', attributes: 'all-released', tokens_revoked: 2 } })
})

t.test('narrowing revokes only the tokens carrying what lost approval', async (t) => {
  const party = await agency(app, 'narrowed', { release: { domains: ['socialtjanst'] } })
  t.equal((await approve('narrowed', { attributes: 'all-released' })).statusCode, 201)
  const ebOnly = await ask(party, '1001')
  const both = await ask(party, '1002')
  const res = await approve('narrowed', { attributes: [EB] })
  t.equal(res.statusCode, 200, 'replaced')
  t.equal(await statusOf(ebOnly.ref!), 0, 'carries only eb, still approved')
  t.equal(await statusOf(both.ref!), 1, 'carried bu, no longer approved')
  t.same(attributeIds(await ask(party, '1002')), [EB])
  const [event] = await auditOf('relying-party-approval.changed')
  t.match(event, { client_id: 'narrowed', details: { attributes: [EB], tokens_revoked: 1 } })
})

t.test('an approval holds through its valid_until, Swedish day, and not the day after', async (t) => {
  const party = await agency(app, 'dated', { release: { domains: ['socialtjanst'] } })
  const res = await approve('dated', { attributes: 'all-released', valid_until: today })
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().valid_until, today)
  t.equal((await ask(party, '1001')).status, 200)
  clock = new Date(Date.now() + DAY)
  t.teardown(() => { clock = new Date() })
  t.equal((await ask(party, '1001')).status, 404, 'the day after')
  t.equal((await approve('dated', { attributes: 'all-released', valid_until: today })).json().errors[0].pointer, '/valid_until', 'a past day is refused')
})

t.test('purposes: stated, approved, carried and recorded', async (t) => {
  const purposes = [
    { id: 'ekonomiskt-bistand', description: 'Handläggning av ekonomiskt bistånd', legal_basis: 'SoL 4 kap. 1 §' },
    { id: 'tillsyn', description: 'Tillsyn', legal_basis: 'SoL 13 kap. 2 §' }
  ]
  const party = await agency(app, 'purposeful', { release: { attributes: [EB] }, purposes })
  t.equal((await approve('purposeful', { attributes: 'all-released', purposes: ['ekonomiskt-bistand'] })).statusCode, 201)

  const missing = await ask(party, '1001')
  t.equal(missing.status, 400)
  t.match(missing.claims, { type: problemType('validation-failed', ISSUER), errors: [{ pointer: '/purpose' }] }, 'a party with purposes states one')
  t.match(await ask(party, '1001', { purpose: 'marknadsforing' }), { status: 400, claims: { errors: [{ pointer: '/purpose' }] } }, 'one it registered')
  const notApproved = await ask(party, '1001', { purpose: 'tillsyn' })
  t.equal(notApproved.status, 404, 'registered but not approved: the unknown-person answer')
  t.same(notApproved.claims, (await ask(party, '9999', { purpose: 'ekonomiskt-bistand' })).claims)

  const issued = await ask(party, '1001', { purpose: 'ekonomiskt-bistand' })
  t.equal(issued.status, 200)
  t.equal(issued.claims?.['purpose'], 'ekonomiskt-bistand', 'carried in the token')
  const person = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?employee_number=1001`, headers: adminHeaders })).json().items[0].id as string
  const disclosures = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${person}/disclosures`, headers: adminHeaders })).json().items as Array<Record<string, unknown>>
  t.match(disclosures.find((d) => d['jti'] === issued.claims?.['jti']), { purpose: 'ekonomiskt-bistand', relying_party: { client_id: 'purposeful' } }, 'in the person\'s disclosures')
  const events = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/audit?action=attribute-token.issued&relying_party=purposeful`, headers: adminHeaders })).json().items as Array<{ details: Record<string, unknown> }>
  t.match(events[0]?.details, { jti: issued.claims?.['jti'], purpose: 'ekonomiskt-bistand' }, 'in the issuance audit event')

  const plain = await agency(app, 'no-purposes', { release: { attributes: [EB] } })
  t.equal((await approve('no-purposes', { attributes: 'all-released' })).statusCode, 201)
  t.match(await ask(plain, '1001', { purpose: 'tillsyn' }), { status: 400, claims: { errors: [{ pointer: '/purpose' }] } }, 'a party with no purposes states none')
  const v1 = await ask(plain, '1001')
  t.notOk('purpose' in (v1.claims ?? {}), 'and its tokens carry no purpose claim')

  const removed = await approve('purposeful', { attributes: 'all-released', purposes: ['tillsyn'] })
  t.equal(removed.statusCode, 200)
  t.equal(await statusOf(issued.ref!), 1, 'removing a purpose revokes the tokens asked for it')
  t.equal((await ask(party, '1001', { purpose: 'tillsyn' })).status, 200)
})

t.test('a relying party\'s purposes are distinct', async (t) => {
  const purpose = { id: 'tillsyn', description: 'Tillsyn', legal_basis: 'SoL 13 kap. 2 §' }
  const res = await app.inject({ method: 'PUT', url: '/v1/relying-parties/twice', headers: adminHeaders, payload: { name: 'x', organisation: '2021005521', jwks_uri: 'https://x.example/jwks', release: { attributes: [EB] }, purposes: [purpose, { ...purpose, description: 'Again' }] } })
  t.equal(res.statusCode, 422)
  t.match(res.json(), { type: problemType('relying-party-invalid', ISSUER), errors: [{ pointer: '/purposes/1/id' }] })
})

t.test('an approval is validated, with a pointer at each mistake, and nothing is half-applied', async (t) => {
  await agency(app, 'validated', { release: { attributes: [EB] }, purposes: [{ id: 'tillsyn', description: 'Tillsyn', legal_basis: 'SoL 13 kap. 2 §' }] })
  const bad = await approve('validated', { attributes: [EB, 'socialtjanst.nope'], purposes: ['tillsyn', 'reklam'], valid_until: '2020-01-01' })
  t.equal(bad.statusCode, 422)
  t.match(bad.json(), { type: problemType('relying-party-approval-invalid', ISSUER) })
  t.same(bad.json().errors.map((e: { pointer: string }) => e.pointer), ['/attributes/1', '/purposes/1', '/valid_until'])
  t.equal((await app.inject({ method: 'GET', url: url('validated'), headers: adminHeaders })).statusCode, 404, 'nothing stored')
  const schema = await approve('validated', { attributes: [], valid_until: '2026-02-30' })
  t.equal(schema.statusCode, 400)
  t.same(schema.json().errors.map((e: { pointer: string }) => e.pointer).sort(), ['/attributes', '/valid_until'])
  t.equal((await approve('validated', { attributes: 'all-released', agreement: undefined })).statusCode, 400, 'an agreement is required')
  const unknown = await approve('nobody-registered', { attributes: 'all-released' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().type, problemType('unknown-relying-party', ISSUER))
  const entity = 'https://agency.example.se/federation/' + 'a'.repeat(1900)
  const federated = await approve(entity, { attributes: [EB], purposes: ['anything'] })
  t.equal(federated.statusCode, 201, 'an entity identifier may be approved before its agency calls')
  t.match(federated.json(), { client_id: entity, purposes: ['anything'], approved_by: { kind: 'platform-admin' } })
  t.equal((await app.inject({ method: 'GET', url: url(entity), headers: adminHeaders })).json().client_id, entity)
  t.equal((await approve('https://agency.example.se/' + 'a'.repeat(2100), { attributes: [EB] })).statusCode, 400, 'at most 2048 characters')
  t.equal((await approve('http://agency.example.se', { attributes: [EB] })).statusCode, 400, 'https only')
})

t.test('scopes and tenancy: relying-parties:approve to change, organisation:read to read, own organisation only', async (t) => {
  await agency(app, 'scoped', { release: { attributes: [EB] } })
  const steward = await test.apiKeyHeaders(org, ['relying-parties:approve', 'organisation:read'])
  const reader = await test.apiKeyHeaders(org, ['organisation:read'])
  const foreign = await test.apiKeyHeaders(other, ['relying-parties:approve', 'organisation:read'])
  const refused = await approve('scoped', { attributes: 'all-released' }, reader)
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().type, problemType('insufficient-scope', ISSUER))
  const granted = await approve('scoped', { attributes: 'all-released', note: 'Reviewed yearly' }, steward)
  t.equal(granted.statusCode, 201)
  t.match(granted.json(), { client_id: 'scoped', attributes: 'all-released', purposes: [], valid_until: null, note: 'Reviewed yearly', approved_by: { kind: 'api-key', organisation: org } })
  t.equal((await app.inject({ method: 'GET', url: url('scoped'), headers: reader })).statusCode, 200)
  const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/relying-party-approvals?limit=2`, headers: reader })
  t.equal(list.statusCode, 200)
  t.equal(list.json().items.length, 2)
  const next = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/relying-party-approvals?limit=100&cursor=${list.json().next_cursor as string}`, headers: reader })
  t.notOk(next.json().items.some((a: { client_id: string }) => list.json().items.some((b: { client_id: string }) => b.client_id === a.client_id)), 'pages do not overlap')
  for (const [method, target] of [['PUT', url('scoped')], ['GET', url('scoped')], ['DELETE', url('scoped')], ['GET', `/v1/organisations/${org}/relying-party-approvals`]] as const) {
    const res = await app.inject({ method, url: target, headers: foreign, ...(method === 'PUT' ? { payload: { attributes: 'all-released', agreement: 'x y z' } } : {}) })
    t.equal(res.statusCode, 403, `${method} ${target} with another organisation's key`)
    t.equal(res.json().type, problemType('foreign-organisation', ISSUER))
  }
  const otherList = (await app.inject({ method: 'GET', url: `/v1/organisations/${other}/relying-party-approvals?limit=500`, headers: foreign })).json().items as Array<{ client_id: string }>
  t.notOk(otherList.some((a) => a.client_id === 'scoped'), 'an organisation sees only its own approvals')
  t.equal((await withdraw('scoped', reader)).statusCode, 403)
  t.equal((await withdraw('scoped', steward)).statusCode, 204)
  const [event] = await auditOf('relying-party-approval.granted').then((events) => events.filter((e) => e.client_id === 'scoped'))
  t.match(event, { actor: { kind: 'api-key', organisation: org }, details: { client_id: 'scoped', attributes: 'all-released', purposes: [], valid_until: null, agreement: 'Avtal 2026/14' } })
})

t.test('a token whose issuance commits after its approval was withdrawn or narrowed is answered as lost', async (t) => {
  const party = await agency(app, 'in-flight', { release: { domains: ['socialtjanst'] }, purposes: [{ id: 'tillsyn', description: 'Tillsyn', legal_basis: 'SoL 13 kap. 2 §' }] })
  t.equal((await approve('in-flight', { attributes: 'all-released', purposes: ['tillsyn'] })).statusCode, 201)
  const issued = await ask(party, '1002', { purpose: 'tillsyn' })
  const person = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?employee_number=1002`, headers: adminHeaders })).json().items[0].id as string
  const carried = (issued.claims?.['attributes'] as Array<{ id: string, unit?: string }>).map((a) => ({ id: a.id, unit: a.unit ?? null }))
  // What the service hands the ledger for a token it decided on under the approval as it was.
  const ledger = issuanceLedger(test.store.db, { today: () => evaluationDay(clock) })
  const statusLists = app.behorig.tokenServices.statusLists
  const record = async (purpose: string) => {
    const status = await statusLists.allocate()
    const jti = crypto.randomUUID()
    return (await ledger.record(
      { jti, organisation: org, client_id: 'in-flight', person_id: person, attributes: carried, purpose, status_list_id: status.listId, status_idx: status.idx, expires_at: new Date(Date.now() + 60_000) },
      { organisation: org, action: 'attribute-token.issued', actor: { kind: 'relying-party', client_id: 'in-flight' }, person_id: person, client_id: 'in-flight', details: { jti } })).stillHeld
  }
  t.equal(await record('tillsyn'), true, 'approved: the person still holds all it carries')
  t.equal((await approve('in-flight', { attributes: [EB], purposes: ['tillsyn'] })).statusCode, 200)
  t.equal(await record('tillsyn'), false, 'narrowed to eb while it carried bu')
  t.equal((await approve('in-flight', { attributes: 'all-released', purposes: [] })).statusCode, 200)
  t.equal(await record('tillsyn'), false, 'its purpose no longer approved')
  t.equal((await withdraw('in-flight')).statusCode, 204)
  t.equal(await record('tillsyn'), false, 'withdrawn')
})
