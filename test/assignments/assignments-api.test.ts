import t from 'tap'
import { adminHeaders } from '../helpers/app.js'
import { NOW, personByNumber } from '../mapping/helpers/mapping-app.js'
import { importAndWait } from '../helpers/sync.js'
import { JOBS, seededOrganisation, snapshotWithPin, tokenTestApp } from '../tokens/helpers/token-app.js'
import { substitute } from './helpers/assignment-flow.js'

const test = await tokenTestApp({ now: () => NOW })
const { app } = test
const org = await seededOrganisation(test)
const url = `/v1/organisations/${org}/assignments`
const post = (payload: Record<string, unknown>, headers: Record<string, string> = adminHeaders) => app.inject({ method: 'POST', url, headers, payload })

t.test('refuses what cannot be granted with a problem pointing at each field, and keeps nothing', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['unknown internal person', { ...substitute('x'), person: { type: 'employee-number', value: '9999' } }, ['/person/value']],
    ['external person without ids', { ...substitute('x'), person: { external: { given_name: 'A', family_name: 'B' } } }, ['/person/external']],
    ['external person whose service-id exists', { ...substitute('x'), person: { external: { given_name: 'A', family_name: 'B', service_id: (await personByNumber(app, org, '1001') as unknown as { service_id: string }).service_id } } }, ['/person/external/service_id']],
    ['unit-scoped attribute without unit', { ...substitute('ts-a'), unit: undefined }, ['/unit']],
    ['unit not in the tree', { ...substitute('ts-b'), unit: 'nowhere' }, ['/unit']],
    ['organisation-scoped attribute with a unit', { ...substitute('ts-c'), attribute: 'socialtjanst.statsbidrag.ombud' }, ['/unit']],
    ['attribute not in the catalog', { ...substitute('ts-d'), attribute: 'socialtjanst.eb.nothing' }, ['/attribute']],
    ['domain without a published mapping', { ...substitute('ts-e'), attribute: 'skola.fs.rektor' }, ['/attribute']],
    ['ends before it starts', { ...substitute('ts-f'), valid_from: '2025-06-20', valid_until: '2025-06-10' }, ['/valid_until']],
    ['longer than BEHORIG_ASSIGNMENT_MAX_DAYS', { ...substitute('ts-g'), valid_from: '2025-06-01', valid_until: '2026-06-02' }, ['/valid_until']],
    ['over already', { ...substitute('ts-h'), valid_from: '2025-05-01', valid_until: '2025-05-31' }, ['/valid_until']],
    ['two wrongs at once', { ...substitute('ts-i'), attribute: 'socialtjanst.eb.nothing', valid_from: '2025-06-20', valid_until: '2025-06-10' }, ['/valid_until', '/attribute']]
  ]
  for (const [name, payload, pointers] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, 422, `${name}: ${res.body}`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(res.json().errors.map((e: { pointer: string }) => e.pointer), pointers, name)
  }
  const missing = await post({ ...substitute('ts-j'), valid_until: undefined })
  t.equal(missing.statusCode, 400, 'an assignment needs an end')
  t.match(missing.json().errors, [{ pointer: '/valid_until' }])
  const people = await test.store.db.selectFrom('people').select('service_id').where('organisation', '=', org).where('source', '=', 'assignments').execute()
  t.same(people, [], 'no external person was kept from a refused assignment')
  t.equal((await app.inject({ method: 'GET', url, headers: adminHeaders })).json().items.length, 0, 'nor any assignment')
})

t.test('needs assignments:write to make or end one, and people:read to read them', async (t) => {
  const reader = await test.apiKeyHeaders(org, ['people:read'])
  const writer = await test.apiKeyHeaders(org, ['assignments:write'])
  t.equal((await post(substitute('ts-scope'), reader)).statusCode, 403)
  const made = await post(substitute('ts-scope'), writer)
  t.equal(made.statusCode, 201, made.body)
  t.match(made.json().granted_by, { kind: 'api-key' })
  t.equal((await app.inject({ method: 'GET', url, headers: writer })).statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: `${url}/${made.json().id as string}`, headers: reader })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `${url}/${made.json().id as string}`, headers: reader, payload: { reason: 'Nej' } })).statusCode, 403)
  t.equal((await app.inject({ method: 'DELETE', url: `${url}/${made.json().id as string}`, headers: writer, payload: { reason: 'Klart' } })).statusCode, 200)
  const other = await test.createOrganisation('Grannkommun')
  const foreign = await app.inject({ method: 'POST', url: `/v1/organisations/${other}/assignments`, headers: writer, payload: substitute('ts-x') })
  t.equal(foreign.statusCode, 403, 'not for another organisation')
  t.equal((await app.inject({ method: 'GET', url: `${url}/00000000-0000-4000-8000-000000000000`, headers: reader })).statusCode, 404)
})

t.test('an internal person\'s assignment shows with its provenance in effective attributes and explain, beside what the rules grant', async (t) => {
  const person = await personByNumber(app, org, '1003')
  const made = await post({ person: { type: 'employee-number', value: '1003' }, attribute: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-syd', valid_from: '2025-06-01', valid_until: '2025-06-30', reason: 'Extra resurs under semestern' })
  t.equal(made.statusCode, 201, made.body)
  const id = made.json().id as string
  const provenance = [{ assignment: id, granted_by: { kind: 'platform-admin' }, reason: 'Extra resurs under semestern' }]
  const read = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${person.id}`, headers: adminHeaders })
  t.same(read.json().attributes.map((a: Record<string, unknown>) => [a['id'], a['unit_id'], a['valid_from'], a['valid_until'], a['provenance']]),
    [['socialtjanst.eb.handlaggare', 'soc-eb-syd', '2025-06-01', '2025-06-30', provenance]])
  const explained = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${person.id}/attributes/socialtjanst.eb.handlaggare/explain`, headers: adminHeaders })
  t.equal(explained.statusCode, 200, explained.body)
  t.match(explained.json(), { holds: true, data: provenance, text: new RegExp(`Assignment ${id} grants it for unit soc-eb-syd from 2025-06-01 until 2025-06-30`) })

  // 1001 holds the attribute at soc-eb-norr by a rule: an assignment there adds its provenance, the period stays open.
  const ruled = await post({ person: { type: 'employee-number', value: '1001' }, attribute: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr', valid_from: '2025-06-01', valid_until: '2025-06-30', reason: 'Dubbelt' })
  t.equal(ruled.statusCode, 201, ruled.body)
  const anna = await personByNumber(app, org, '1001')
  t.match(anna.attributes, [{ id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr', valid_until: null, provenance: [{ rule_id: 'eb' }, { assignment: ruled.json().id }] }])

  const listed = await app.inject({ method: 'GET', url: `${url}?person=${person.id}&attribute=socialtjanst.eb.handlaggare&active_on=2025-06-15`, headers: adminHeaders })
  t.same(listed.json().items.map((a: { id: string }) => a.id), [id])
  t.same((await app.inject({ method: 'GET', url: `${url}?person=${person.id}&active_on=2025-07-01`, headers: adminHeaders })).json().items, [], 'not active after valid_until')

  const ended = await app.inject({ method: 'DELETE', url: `${url}/${id}`, headers: adminHeaders, payload: { reason: 'Behövs inte' } })
  t.equal(ended.statusCode, 200)
  t.same((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${person.id}`, headers: adminHeaders })).json().attributes, [], 'gone once ended')
  t.same((await app.inject({ method: 'GET', url: `${url}?person=${person.id}&active_on=2025-06-15`, headers: adminHeaders })).json().items, [], 'an ended one is not active')
})

t.test('pages with a cursor', async (t) => {
  const all = (await app.inject({ method: 'GET', url, headers: adminHeaders })).json().items as Array<{ id: string }>
  t.ok(all.length >= 3)
  const first = (await app.inject({ method: 'GET', url: `${url}?limit=2`, headers: adminHeaders })).json()
  const second = (await app.inject({ method: 'GET', url: `${url}?limit=2&cursor=${first.next_cursor as string}`, headers: adminHeaders })).json()
  t.same([...first.items, ...second.items].map((a: { id: string }) => a.id), all.slice(0, 2 + second.items.length).map((a) => a.id))
})

t.test('a substitute with only an HSA-id is found by it, and a second assignment names them by it', async (t) => {
  const hsaId = 'SE2120001124-VIK01'
  const first = await post({ ...substitute('unused'), person: { external: { given_name: 'Hugo', family_name: 'Hsa', hsa_id: hsaId } } })
  t.equal(first.statusCode, 201, first.body)
  const found = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?hsa_id=${hsaId}`, headers: adminHeaders })).json().items
  t.match(found, [{ id: first.json().person_id, hsa_id: hsaId, service_id: hsaId, employments: [] }])
  const again = await post({ ...substitute('unused'), person: { external: { given_name: 'Hugo', family_name: 'Hsa', hsa_id: hsaId } } })
  t.equal(again.statusCode, 422, 'not a second person with the same HSA-id')
  t.match(again.json().errors, [{ pointer: '/person/external/hsa_id' }])
  const second = await post({ ...substitute('unused'), person: { type: 'hsa-id', value: hsaId }, unit: 'soc-eb-syd' })
  t.equal(second.statusCode, 201, second.body)
  t.equal(second.json().person_id, first.json().person_id)
})

t.test('two assignments at once to the same new substitute make one person: the other is refused, not a 500', async (t) => {
  const results = await Promise.all([post(substitute('ts-race')), post(substitute('ts-race')), post(substitute('ts-race'))])
  t.same(results.map((r) => r.statusCode).sort(), [201, 422, 422], results.map((r) => r.body).join('\n'))
  for (const refused of results.filter((r) => r.statusCode === 422)) t.match(refused.json().errors, [{ pointer: '/person/external/service_id' }])
  const people = await test.store.db.selectFrom('people').select('id').where('organisation', '=', org).where('service_id', '=', 'ts-race').execute()
  t.equal(people.length, 1)
})

t.test('when HR later lists a substitute under their service-id or HSA-id, they become that employee: one person, assignments kept', async (t) => {
  const byServiceId = await post(substitute('ts-adopted'))
  t.equal(byServiceId.statusCode, 201, byServiceId.body)
  const hsaId = 'SE2120001124-VIK02'
  const byHsaId = await post({ ...substitute('unused'), person: { external: { given_name: 'Hanna', family_name: 'Hsa', hsa_id: hsaId } } })
  t.equal(byHsaId.statusCode, 201, byHsaId.body)
  const doc = JSON.parse(snapshotWithPin([...JOBS, { employee_number: '2001', unit_id: 'soc-eb-norr' }, { employee_number: '2002', unit_id: 'soc-eb-syd' }])) as { employments: Array<Record<string, unknown>> }
  for (const e of doc.employments) {
    if (e['employee_number'] === '2001') e['service_id'] = 'ts-adopted'
    if (e['employee_number'] === '2002') e['hsa_id'] = hsaId
  }
  const run = await importAndWait(app, org, JSON.stringify(doc), 'application/json')
  t.equal(run.state, 'succeeded', JSON.stringify(run.error))
  for (const [number, assignment] of [['2001', byServiceId], ['2002', byHsaId]] as const) {
    const person = await personByNumber(app, org, number) as unknown as { id: string, source: string, employments: unknown[], attributes: Array<{ provenance: Array<Record<string, unknown>> }> }
    t.equal(person.id, assignment.json().person_id, `${number} is the substitute's person`)
    t.equal(person.employments.length, 1, 'now with the employment')
    t.ok(person.attributes.some((a) => a.provenance.some((p) => p['assignment'] === assignment.json().id)), 'and still holding what the assignment grants')
  }
  const people = await test.store.db.selectFrom('people').select('employee_number').where('organisation', '=', org).where((eb) => eb.or([eb('service_id', '=', 'ts-adopted'), eb('hsa_id', '=', hsaId)])).execute()
  t.same(people.map((p) => p.employee_number).sort(), ['2001', '2002'], 'no second person')
})
