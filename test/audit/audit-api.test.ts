import t from 'tap'
import { randomUUID } from 'node:crypto'
import { appendAudit } from '../../src/audit/audit-log.js'
import type { AuditEventInput } from '../../src/audit/audit-event.js'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { clientKey, registerRelyingParty, relyingPartyDocument } from '../helpers/relying-party.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)
const db = store.db

const org = await createOrganisation('Granskningskommun')
const other = await createOrganisation('Grannkommun')
const headers = await apiKeyHeaders(org, ['audit:read'])
const foreignHeaders = await apiKeyHeaders(other, ['audit:read'])
const [anna, bo, cecilia, foreigner] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
for (const [organisation, id] of [[org, anna], [org, bo], [org, cecilia], [other, foreigner]] as const) {
  await db.insertInto('people').values({ organisation, id, service_id: `ts-${id}`, employee_number: null, given_name: null, family_name: null, email: null, pin_sealed: null, pin_lookup: null, source: 'hr', last_run: 'run_x' }).execute()
}
await registerRelyingParty(app, 'fk-ssbtek', relyingPartyDocument([await clientKey()]))

function tokenIssued (personId: string, clientId: string, day: number, jti: string): AuditEventInput {
  return {
    organisation: org,
    action: 'attribute-token.issued',
    actor: { kind: 'relying-party', client_id: clientId },
    person_id: personId,
    client_id: clientId,
    at: new Date(Date.UTC(2026, 0, day, 10)),
    details: {
      jti,
      attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }, { id: 'socialtjanst.ifo.las' }],
      expires_at: new Date(Date.UTC(2026, 0, day, 10, 5)).toISOString(),
      status_list: { id: 1, idx: day },
      catalog: { domain: 'socialtjanst', version: '1.0.0' },
      subject_type: 'pairwise'
    }
  }
}

await db.transaction().execute((trx) => appendAudit(trx, [
  tokenIssued(anna, 'fk-ssbtek', 1, 'jti-1'),
  tokenIssued(anna, 'csn-gone', 2, 'jti-2'),
  tokenIssued(bo, 'fk-ssbtek', 3, 'jti-3'),
  { organisation: org, action: 'source.updated', actor: { kind: 'api-key', key_id: 'k1', organisation: org }, at: new Date(Date.UTC(2026, 0, 4)), details: { source: 'hr' } },
  { organisation: org, action: 'access-token.issued', actor: { kind: 'relying-party', client_id: 'fk-ssbtek' }, client_id: 'fk-ssbtek', at: new Date(Date.UTC(2026, 0, 5)), details: {} },
  { organisation: other, action: 'attribute-token.issued', actor: { kind: 'relying-party', client_id: 'fk-ssbtek' }, person_id: foreigner, client_id: 'fk-ssbtek', details: { jti: 'jti-other' } }
]))

interface EventItem { seq: number, action: string, person_id: string | null, client_id: string | null, at: string, details: Record<string, unknown>, organisation: string }

async function get (url: string, h: Record<string, string> = headers) {
  return app.inject({ method: 'GET', url, headers: h })
}

async function items (query: string): Promise<EventItem[]> {
  const res = await get(`/v1/organisations/${org}/audit${query}`)
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json().items
}

t.test('lists the organisation\'s events newest first, page by page', async (t) => {
  const total = Number((await db.selectFrom('audit_events').select(db.fn.countAll().as('n')).where('organisation', '=', org).executeTakeFirstOrThrow()).n)
  const seen: number[] = []
  let cursor: string | null = null
  do {
    const res = await get(`/v1/organisations/${org}/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200)
    const body = res.json() as { items: EventItem[], next_cursor: string | null }
    t.ok(body.items.length <= 2)
    t.ok(body.items.every((e) => e.organisation === org), 'only its own organisation')
    seen.push(...body.items.map((e) => e.seq))
    cursor = body.next_cursor
  } while (cursor)
  t.equal(seen.length, total, 'every event once')
  t.same(seen, [...seen].sort((a, b) => b - a), 'newest first')
  t.equal(new Set(seen).size, seen.length)
})

t.test('an event carries what verifies it', async (t) => {
  const [event] = await items('?action=source.updated')
  t.match(event, { chain: org, organisation: org, action: 'source.updated', actor: { kind: 'api-key', key_id: 'k1', organisation: org }, details: { source: 'hr' }, at: '2026-01-04T00:00:00.000Z', hash: /^[0-9a-f]{64}$/, prev_hash: /^[0-9a-f]{64}$/ })
})

t.test('filters by person, relying party, action and time', async (t) => {
  t.same((await items(`?person=${anna}`)).map((e) => e.details['jti']), ['jti-2', 'jti-1'])
  t.same((await items('?relying_party=fk-ssbtek')).map((e) => e.action), ['access-token.issued', 'attribute-token.issued', 'attribute-token.issued'])
  t.same((await items('?action=attribute-token.issued')).map((e) => e.details['jti']), ['jti-3', 'jti-2', 'jti-1'], 'not the other organisation\'s')
  t.same((await items('?from=2026-01-02T00:00:00Z&to=2026-01-04T00:00:00Z')).map((e) => e.details['jti']), ['jti-3', 'jti-2'], 'from inclusive, to exclusive')
  t.same((await items(`?person=${anna}&relying_party=fk-ssbtek&from=2026-01-01T00:00:00Z`)).map((e) => e.details['jti']), ['jti-1'], 'filters combine')
  t.same(await items('?relying_party=nobody'), [])
})

t.test('bad filters and cursors are problems', async (t) => {
  for (const query of ['?action=token.stolen', '?from=yesterday', '?limit=0', '?cursor=not-a-cursor', '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '?colour=blue']) {
    const res = await get(`/v1/organisations/${org}/audit${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().type, problemType('validation-failed'), query)
  }
})

t.test('a person\'s disclosures: which relying party received which attributes, when', async (t) => {
  const res = await get(`/v1/organisations/${org}/people/${anna}/disclosures`)
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    items: [
      { at: '2026-01-02T10:00:00.000Z', relying_party: { client_id: 'csn-gone' }, attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }, { id: 'socialtjanst.ifo.las' }], jti: 'jti-2', expires_at: '2026-01-02T10:05:00.000Z', catalog: { domain: 'socialtjanst', version: '1.0.0' } },
      { at: '2026-01-01T10:00:00.000Z', relying_party: { client_id: 'fk-ssbtek', name: 'Försäkringskassan – SSBTEK' }, attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }, { id: 'socialtjanst.ifo.las' }], jti: 'jti-1', expires_at: '2026-01-01T10:05:00.000Z', catalog: { domain: 'socialtjanst', version: '1.0.0' } }
    ],
    next_cursor: null
  })
  const first = (await get(`/v1/organisations/${org}/people/${anna}/disclosures?limit=1`)).json()
  t.same(first.items.map((d: { jti: string }) => d.jti), ['jti-2'])
  const second = (await get(`/v1/organisations/${org}/people/${anna}/disclosures?limit=1&cursor=${first.next_cursor}`)).json()
  t.same(second.items.map((d: { jti: string }) => d.jti), ['jti-1'])
  t.equal(second.next_cursor, null)
  t.same((await get(`/v1/organisations/${org}/people/${cecilia}/disclosures`)).json(), { items: [], next_cursor: null }, 'nothing disclosed yet')
})

t.test('disclosures of someone not in the organisation are a 404', async (t) => {
  for (const id of [randomUUID(), foreigner]) {
    const res = await get(`/v1/organisations/${org}/people/${id}/disclosures`)
    t.equal(res.statusCode, 404)
    t.equal(res.json().type, problemType('unknown-person'))
  }
})

t.test('another organisation\'s key reads nothing', async (t) => {
  for (const url of [`/v1/organisations/${org}/audit`, `/v1/organisations/${org}/people/${anna}/disclosures`, `/v1/audit/verify?organisation=${org}`, '/v1/audit/verify']) {
    const res = await get(url, foreignHeaders)
    t.equal(res.statusCode, 403, url)
    t.equal(res.json().type, problemType('foreign-organisation'), url)
  }
  const noScope = await get(`/v1/organisations/${org}/audit`, await apiKeyHeaders(org, ['people:read']))
  t.equal(noScope.statusCode, 403)
  t.equal(noScope.json().type, problemType('insufficient-scope'))
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/audit` })).statusCode, 401)
})

t.test('the platform admin reads any organisation\'s log', async (t) => {
  const res = await get(`/v1/organisations/${other}/audit?action=attribute-token.issued`, adminHeaders)
  t.equal(res.statusCode, 200)
  t.same(res.json().items.map((e: EventItem) => e.person_id), [foreigner])
})

t.test('the platform chain: relying parties, keys and the token endpoint, for the platform admin only', async (t) => {
  await db.transaction().execute((trx) => appendAudit(trx, [
    { organisation: null, action: 'access-token.issued', actor: { kind: 'relying-party', client_id: 'fk-ssbtek' }, client_id: 'fk-ssbtek', at: new Date(Date.UTC(2026, 1, 1)), details: { jti: 'at-1', scope: 'attribute-tokens' } },
    { organisation: null, action: 'client-authentication.refused', actor: { kind: 'system', component: 'token-endpoint' }, at: new Date(Date.UTC(2026, 1, 2)), details: { claimed_client_id: 'nobody', reason: 'unknown-client' } },
    { organisation: null, action: 'access-token.issued', actor: { kind: 'relying-party', client_id: 'csn-gone' }, client_id: 'csn-gone', at: new Date(Date.UTC(2026, 1, 3)), details: { jti: 'at-2', scope: 'attribute-tokens' } }
  ]))
  const platform = async (query: string, h: Record<string, string> = adminHeaders) => get(`/v1/audit/platform${query}`, h)

  const all = await platform('?limit=200')
  t.equal(all.statusCode, 200)
  const events: EventItem[] = all.json().items
  t.ok(events.length >= 4, 'the registration at set-up and the three appended')
  t.ok(events.every((e) => (e as unknown as { chain: string }).chain === 'platform' && e.organisation === null), 'only platform events')
  t.same(events.map((e) => e.seq), [...events.map((e) => e.seq)].sort((a, b) => b - a), 'newest first')
  t.ok(events.some((e) => e.action === 'relying-party.created' && e.client_id === 'fk-ssbtek'), 'the relying party registered at set-up')
  t.notOk(events.some((e) => e.action === 'attribute-token.issued'), 'no organisation\'s events')

  t.same((await platform('?relying_party=csn-gone')).json().items.map((e: EventItem) => e.details['jti']), ['at-2'])
  t.same((await platform('?action=client-authentication.refused')).json().items.map((e: EventItem) => e.details['claimed_client_id']), ['nobody'])
  t.same((await platform('?action=access-token.issued&from=2026-02-01T00:00:00Z&to=2026-02-03T00:00:00Z')).json().items.map((e: EventItem) => e.details['jti']), ['at-1'])

  const first = (await platform('?limit=1')).json()
  const second = (await platform(`?limit=1&cursor=${encodeURIComponent(first.next_cursor)}`)).json()
  t.equal(second.items[0].seq, first.items[0].seq - 1, 'the cursor pages on down the chain')

  const verified = await get('/v1/audit/verify', adminHeaders)
  t.equal(verified.json().ok, true, 'the events listed are the chain verify checks')
  t.equal(verified.json().head.seq, events[0]?.seq)

  const person = await platform(`?person=${anna}`)
  t.equal(person.statusCode, 400, 'the platform chain names no person: the filter is refused, not ignored')
  t.equal(person.json().errors[0].pointer, '/person')
  const fromAfterTo = await platform('?from=2026-02-03T00:00:00Z&to=2026-02-01T00:00:00Z')
  t.equal(fromAfterTo.statusCode, 400)

  const orgKey = await platform('', headers)
  t.equal(orgKey.statusCode, 403, 'an organisation key, even with audit:read, reads no platform event')
  t.equal(orgKey.json().type, problemType('platform-admin-only'))
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit/platform' })).statusCode, 401)
})
