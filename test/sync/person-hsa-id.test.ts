import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, importAndWait } from '../helpers/sync.js'

const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store)

async function people (org: string, query: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?${query}`, headers: adminHeaders })
  return res.json().items as Array<Record<string, unknown>>
}

function snapshot (hsaIds: Record<string, string | null>): string {
  return JSON.stringify({
    units: [{ id: 'soc', name: 'Socialförvaltningen' }],
    employments: Object.entries(hsaIds).map(([employeeNumber, hsaId]) => ({
      employee_number: employeeNumber, unit_id: 'soc', employment_type: 'tillsvidare', start_date: '2021-03-01', hsa_id: hsaId
    }))
  })
}

t.test('a JSON snapshot gives people their HSA-id, and a later one changes and clears it', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const first = await importAndWait(app, org, snapshot({ 1: 'SE2120001124-AB1', 2: null }), 'application/json')
  t.match(first, { state: 'succeeded', counts: { created: 2 } })
  t.match(await people(org, 'employee_number=1'), [{ employee_number: '1', hsa_id: 'SE2120001124-AB1' }])
  t.match(await people(org, 'employee_number=2'), [{ hsa_id: null }])
  t.match(await people(org, 'hsa_id=SE2120001124-AB1'), [{ employee_number: '1' }], 'people can be found by HSA-id')

  const second = await importAndWait(app, org, snapshot({ 1: null, 2: 'SE2120001124-AB1' }), 'application/json')
  t.match(second, { state: 'succeeded', counts: { updated: 2, unchanged: 0 } }, 'a changed HSA-id changes the record')
  t.match(await people(org, 'employee_number=1'), [{ hsa_id: null }])
  t.match(await people(org, 'hsa_id=SE2120001124-AB1'), [{ employee_number: '2' }])

  const third = await importAndWait(app, org, snapshot({ 1: null, 2: 'SE2120001124-AB1' }), 'application/json')
  t.match(third, { state: 'succeeded', counts: { updated: 0, unchanged: 2 } })
})

t.test('HSA-ids may swap between people from one run to the next; one snapshot cannot give one to two people', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  await importAndWait(app, org, snapshot({ 1: 'SE2120001124-X', 2: 'SE2120001124-Y' }), 'application/json')
  const swapped = await importAndWait(app, org, snapshot({ 1: 'SE2120001124-Y', 2: 'SE2120001124-X' }), 'application/json')
  t.match(swapped, { state: 'succeeded', counts: { updated: 2 } })
  t.match(await people(org, 'hsa_id=SE2120001124-X'), [{ employee_number: '2' }])
  t.match(await people(org, 'hsa_id=SE2120001124-Y'), [{ employee_number: '1' }])

  const twice = await importAndWait(app, org, snapshot({ 1: 'SE2120001124-Y', 2: 'SE2120001124-X', 3: 'SE2120001124-X' }), 'application/json')
  t.match(twice, { state: 'succeeded', counts: { created: 0, quarantined: 1 } })
  const q = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${twice.id}/quarantine`, headers: adminHeaders })
  t.match(q.json().items, [{ pointer: '/employments/2/hsa_id', code: 'duplicate-hsa-id' }])
  t.same(await people(org, 'employee_number=3'), [], 'the second is held back')
})

t.test('an HSA-id another source\'s person holds moves to the person this run gives it', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  await createHrSource(app, org, 'hr2')
  await importAndWait(app, org, snapshot({ 1: 'SE2120001124-X' }), 'application/json')
  const run = await importAndWait(app, org, snapshot({ 9: 'SE2120001124-X' }), 'application/json', 'hr2')
  t.equal(run.state, 'succeeded')
  t.match(await people(org, 'hsa_id=SE2120001124-X'), [{ employee_number: '9' }])
  t.match(await people(org, 'employee_number=1'), [{ hsa_id: null }])
})

t.test('a CSV snapshot reads the hsa_id column and quarantines a malformed one with its pointer', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const body = [
    'employee_number;unit_id;unit_name;unit_hsa_id;hsa_id;start_date;employment_type',
    '1;soc;Soc;SE2120001124-SOC;SE2120001124-P1;2021-01-01;tillsvidare',
    '2;soc;Soc;SE2120001124-SOC;2120001124-P2;2021-01-01;tillsvidare'
  ].join('\n') + '\n'
  const run = await importAndWait(app, org, body)
  t.match(run, { state: 'succeeded', counts: { created: 1, quarantined: 1 } })
  t.match(await people(org, 'employee_number=1'), [{ hsa_id: 'SE2120001124-P1' }])
  const q = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${run.id}/quarantine`, headers: adminHeaders })
  t.match(q.json().items, [{ row: 3, record_type: 'employment', pointer: '/rows/3/hsa_id', code: 'invalid-field' }])
  const units = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/units`, headers: adminHeaders })
  t.match(units.json().items, [{ id: 'soc', hsa_id: 'SE2120001124-SOC' }], 'unit_hsa_id stays the unit\'s')
})
