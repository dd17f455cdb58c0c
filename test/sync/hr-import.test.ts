import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, csv, importAndWait, staff, upload, waitForRun } from '../helpers/sync.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)

async function person (org: string, employeeNumber: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?employee_number=${employeeNumber}`, headers: adminHeaders })
  return res.json().items[0]
}

t.test('imports a semicolon CSV with BOM and Swedish characters intact', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const body = '\uFEFF' + csv([
    { employee_number: '100234', given_name: 'Åsa', family_name: 'Öberg', email: 'asa.oberg@exempel.se', personal_identity_number: '198112289874', unit_id: 'soc', unit_name: 'Socialförvaltningen', unit_kind: 'forvaltning', position_code: '151010', title: 'Socialsekreterare' },
    { employee_number: '100235', given_name: 'Märta', family_name: 'Lindén', unit_id: 'soc-eb', unit_name: 'Ekonomiskt bistånd', parent_unit_id: 'soc', employment_type: 'visstid', start_date: '2024-01-15', end_date: '2026-06-30', extent: '50' }
  ])
  const run = await importAndWait(app, org, body)
  t.equal(run.state, 'succeeded')
  t.match(run.counts, { read: 2, created: 2, updated: 0, ended: 0, unchanged: 0, quarantined: 0, units: { created: 2 } })
  const asa = await person(org, '100234')
  t.match(asa, { given_name: 'Åsa', family_name: 'Öberg', email: 'asa.oberg@exempel.se', has_personal_identity_number: true })
  t.match(asa.service_id, /^ts-[0-9a-f]{32}$/)
  t.notOk(JSON.stringify(asa).includes('198112289874'), 'the personnummer is never returned')
  const marta = await person(org, '100235')
  t.match(marta.employments, [{ unit_id: 'soc-eb', employment_type: 'visstid', start_date: '2024-01-15', end_date: '2026-06-30', extent: 50, last_run: run.id }])
  const units = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/units`, headers: adminHeaders })
  t.match(units.json().items, [{ id: 'soc', name: 'Socialförvaltningen', kind: 'forvaltning', parent_id: null }, { id: 'soc-eb', parent_id: 'soc' }])
})

t.test('imports a comma-separated CSV', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const run = await importAndWait(app, org, csv(staff(3), ','))
  t.match(run, { state: 'succeeded', counts: { created: 3 } })
})

t.test('imports the JSON snapshot format from DESIGN.md', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const snapshot = {
    units: [{ id: 'soc', name: 'Socialförvaltningen', parent_id: null, kind: 'forvaltning', hsa_id: null }, { id: 'soc-eb-norr', name: 'EB Norr', parent_id: 'soc', kind: 'enhet', hsa_id: null }],
    employments: [{ employment_id: 'E-1001', employee_number: '100234', given_name: 'Anna', family_name: 'Svensson', email: 'anna.svensson@exempel.se', personal_identity_number: '198112289874', service_id: null, unit_id: 'soc-eb-norr', position_code: '151010', title: 'Socialsekreterare', employment_type: 'tillsvidare', start_date: '2021-03-01', end_date: null, extent: 100 }]
  }
  const run = await importAndWait(app, org, JSON.stringify(snapshot), 'application/json')
  t.match(run, { state: 'succeeded', counts: { read: 1, created: 1, units: { created: 2 } } })
  t.match((await person(org, '100234')).employments, [{ employment_id: 'E-1001', unit_id: 'soc-eb-norr' }])
})

t.test('quarantines each bad record with row, pointer and reason, and applies the rest', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const body = csv([
    { employee_number: '1', unit_id: 'soc' }, // row 2: fine
    { employee_number: '', unit_id: 'soc' }, // row 3: missing employee number
    { employee_number: '3', unit_id: 'soc', start_date: '2024-02-30' }, // row 4: malformed date
    { employee_number: '4', unit_id: 'soc', start_date: '2024-05-01', end_date: '2024-04-01' }, // row 5: end before start
    { employee_number: '5', unit_id: 'soc', personal_identity_number: '198112289875' }, // row 6: bad checksum
    { employee_number: '1', unit_id: 'soc' }, // row 7: duplicate of row 2
    { employee_number: '7', unit_id: 'ghost', unit_name: '' } // row 8: unknown unit
  ])
  const run = await importAndWait(app, org, body)
  t.equal(run.state, 'succeeded')
  t.match(run.counts, { read: 7, created: 1, quarantined: 6 })
  const q = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${run.id}/quarantine`, headers: adminHeaders })
  t.equal(q.statusCode, 200)
  const items = q.json().items as { row: number, pointer: string, code: string, reason: string }[]
  const byRow = new Map(items.map((i) => [i.row, i]))
  t.match(byRow.get(3), { code: 'missing-employee-number', pointer: '/rows/3/employee_number' })
  t.match(byRow.get(4), { code: 'malformed-date', pointer: '/rows/4/start_date' })
  t.match(byRow.get(5), { code: 'end-before-start', pointer: '/rows/5/end_date' })
  t.match(byRow.get(6), { code: 'bad-personal-identity-number', pointer: '/rows/6/personal_identity_number' })
  t.match(byRow.get(7), { code: 'duplicate-employment', pointer: '/rows/7' })
  t.match(byRow.get(8), { code: 'unknown-unit' })
  t.notOk(q.body.includes('198112289875'), 'quarantine never repeats a personnummer')
  t.ok(await person(org, '1'))
  t.notOk(await person(org, '7'))
})

t.test('a file that is not a snapshot fails whole, names the problem and changes nothing', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  await importAndWait(app, org, csv(staff(2)))

  const missing = await upload(app, org, 'employee_number;given_name\n1;Anna\n')
  t.equal(missing.statusCode, 422)
  t.equal(missing.json().type, problemType('hr-snapshot-header-invalid'))
  t.match(missing.json().errors, [{ pointer: '/header/unit_id' }])
  const failed = await waitForRun(app, org, missing.json().run_id)
  t.match(failed, { state: 'failed', error: { type: problemType('hr-snapshot-header-invalid') } })

  const notJson = await upload(app, org, '{"units": [', 'application/json')
  t.equal(notJson.statusCode, 422)
  t.equal(notJson.json().type, problemType('hr-snapshot-unreadable'))

  const pdf = await upload(app, org, '%PDF-1.7', 'application/pdf')
  t.equal(pdf.statusCode, 415)

  const people = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people`, headers: adminHeaders })
  t.equal(people.json().items.length, 2, 'the earlier state is untouched')
  t.ok(people.json().items.every((p: { employments: { ended_at: string | null }[] }) => p.employments[0]!.ended_at === null))
})

t.test('importing the same snapshot twice yields only unchanged', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const body = csv(staff(20))
  const first = await importAndWait(app, org, body)
  t.match(first.counts, { created: 20 })
  const before = await person(org, '1005')
  const second = await importAndWait(app, org, body)
  t.match(second, { state: 'succeeded', counts: { read: 20, created: 0, updated: 0, ended: 0, unchanged: 20 } })
  const after = await person(org, '1005')
  t.equal(after.updated_at, before.updated_at, 'unchanged rows are not rewritten')
  t.equal(after.employments[0].last_run, first.id)
})

t.test('a change updates the employment and records who changed', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const rows = staff(20)
  await importAndWait(app, org, csv(rows))
  rows[0] = { ...rows[0]!, title: 'Förste socialsekreterare', position_code: '151020' }
  rows.push({ employee_number: '5000', unit_id: 'soc-eb' })
  const run = await importAndWait(app, org, csv(rows.slice(0, 20).concat(rows.slice(21)).concat([rows[20]!]).slice(0, 21).filter((r) => r.employee_number !== '1019')))
  t.match(run.counts, { created: 1, updated: 1, ended: 1, unchanged: 18 })
  const changed = await app.behorig.engine.changedPeople(run.id)
  t.equal(changed.length, 3, 'the updated, the new and the ended person')
  const ended = await person(org, '1019')
  t.ok(ended.employments[0].ended_at, 'an employment missing from the snapshot has ended')
  t.equal((await person(org, '1000')).employments[0].title, 'Förste socialsekreterare')
})

t.test('an upload over the import limit is refused', async (t) => {
  const org = await createOrganisation()
  const small = await buildTestApp(store, { BEHORIG_IMPORT_LIMIT: '2048' })
  await createHrSource(small.app, org)
  const res = await upload(small.app, org, csv(staff(200)))
  t.equal(res.statusCode, 413)
  t.equal(res.json().type, problemType('snapshot-too-large'))
})

t.test('organisation keys need sources:write to import and sources:read to read runs', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const reader = await apiKeyHeaders(org, ['sources:read'])
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/hr/imports`, headers: { ...reader, 'content-type': 'text/csv' }, payload: csv(staff(1)) })
  t.equal(res.statusCode, 403)
  const writer = await apiKeyHeaders(org, ['sources:write', 'sources:read'])
  const ok = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/hr/imports`, headers: { ...writer, 'content-type': 'text/csv' }, payload: csv(staff(1)) })
  t.equal(ok.statusCode, 202)
  t.match(ok.json(), { run_id: /^run_/, state: 'queued' })
  const run = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${ok.json().run_id}`, headers: reader })
  t.equal(run.statusCode, 200)
  const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs?source=hr`, headers: reader })
  t.equal(list.json().items[0].id, ok.json().run_id)
})
