import t from 'tap'
import type { AttributesRevoked } from '../../src/mapping/attribute-events.js'
import { account, group, heldBy, importJobs, mappingTestApp, mappingYaml, NOW, personByNumber, publishMapping, pushDirectory, recomputes, type Job } from './helpers/mapping-app.js'
import { UNITS } from './helpers/mapping-app.js'

let now = NOW
const { app, createOrganisation } = await mappingTestApp({ now: () => now })
const revocations: AttributesRevoked[] = []
app.behorig.mappings.events.subscribe(async (event) => { revocations.push(event) })
const recompute = recomputes(app)

const MAPPING = mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
  - id: ombud
    when: { groups: ["cn=statsbidrag-ombud,ou=groups,dc=exempel,dc=se"] }
    grant: [socialtjanst.statsbidrag.ombud]
`)

t.test('after a sync run only the people it changed are recomputed, and each lost attribute is revoked', async (t) => {
  const org = await createOrganisation()
  const jobs: Job[] = [
    { employee_number: '101', unit_id: 'soc-eb-norr', employment_id: 'E-101' },
    { employee_number: '102', unit_id: 'soc-eb-norr', employment_id: 'E-102' },
    { employee_number: '103', unit_id: 'soc-eb-syd', employment_id: 'E-103' },
    { employee_number: '104', unit_id: 'soc-bu', employment_id: 'E-104' }
  ]
  await recompute.after((await importJobs(app, org, jobs)).id)
  await publishMapping(app, org, MAPPING)
  const before = new Map<string, string>()
  for (const n of ['101', '102', '103']) before.set(n, (await personByNumber(app, org, n)).attributes[0]!.computed_at)
  t.equal(revocations.length, 0)

  // 102 moves to Barn och unga, 104 to EB syd, 105 is new, 101 and 103 stay as they were.
  const run = await importJobs(app, org, [
    jobs[0]!, jobs[2]!,
    { employee_number: '102', unit_id: 'soc-bu', employment_id: 'E-102' },
    { employee_number: '104', unit_id: 'soc-eb-syd', employment_id: 'E-104' },
    { employee_number: '105', unit_id: 'soc-eb-syd', employment_id: 'E-105' }
  ], false)
  await recompute.after(run.id)
  t.same(await heldBy(app, org, '102'), [])
  t.same(await heldBy(app, org, '104'), ['socialtjanst.eb.handlaggare@soc-eb-syd'])
  t.same(await heldBy(app, org, '105'), ['socialtjanst.eb.handlaggare@soc-eb-syd'])
  for (const n of ['101', '103']) t.equal((await personByNumber(app, org, n)).attributes[0]!.computed_at, before.get(n), `${n} was not recomputed`)
  const bo = await personByNumber(app, org, '102')
  t.same(revocations, [{ organisation: org, domain: 'socialtjanst', mapping_version: 1, cause: { kind: 'sync', run_id: run.id }, revoked: [{ person_id: bo.id, attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr' }] }])

  // 101's employment ends (the snapshot no longer lists it).
  const ended = await importJobs(app, org, [jobs[2]!, { employee_number: '102', unit_id: 'soc-bu', employment_id: 'E-102' }, { employee_number: '104', unit_id: 'soc-eb-syd', employment_id: 'E-104' }, { employee_number: '105', unit_id: 'soc-eb-syd', employment_id: 'E-105' }], false)
  await recompute.after(ended.id)
  const anna = await personByNumber(app, org, '101')
  t.same(anna.attributes, [], 'an ended employment grants nothing')
  t.match(revocations[1], { cause: { kind: 'sync', run_id: ended.id }, revoked: [{ person_id: anna.id, attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr' }] })
  t.equal(revocations[1]!.revoked.length, 1)
})

t.test('directory changes recompute too: leaving a group revokes what it granted', async (t) => {
  const org = await createOrganisation()
  const seen = revocations.length
  await recompute.after((await importJobs(app, org, [{ employee_number: '201', unit_id: 'vof-lss', position_code: '152020' }, { employee_number: '202', unit_id: 'vof-lss', position_code: '152020' }])).id)
  await publishMapping(app, org, MAPPING)
  const joined = await pushDirectory(app, org, { accounts: [account('201'), account('202')], groups: [group('Statsbidrag-Ombud', [account('201').dn, account('202').dn])] })
  await recompute.after(joined.run.id)
  t.same(await heldBy(app, org, '201'), ['socialtjanst.statsbidrag.ombud@*'])
  t.same(await heldBy(app, org, '202'), ['socialtjanst.statsbidrag.ombud@*'])
  const left = await pushDirectory(app, org, { groups: [group('Statsbidrag-Ombud', [account('202').dn])] }, false)
  await recompute.after(left.run.id)
  t.same(await heldBy(app, org, '201'), [])
  t.same(await heldBy(app, org, '202'), ['socialtjanst.statsbidrag.ombud@*'])
  const p201 = await personByNumber(app, org, '201')
  t.same(revocations.slice(seen), [{ organisation: org, domain: 'socialtjanst', mapping_version: 1, cause: { kind: 'sync', run_id: left.run.id }, revoked: [{ person_id: p201.id, attribute_id: 'socialtjanst.statsbidrag.ombud', unit_id: null }] }])
})

t.test('without a published mapping a sync run computes nothing and revokes nothing', async (t) => {
  const org = await createOrganisation()
  const seen = revocations.length
  await recompute.after((await importJobs(app, org, [{ employee_number: '301', unit_id: 'soc-eb-norr' }])).id)
  t.same(await heldBy(app, org, '301'), [])
  t.equal(revocations.length, seen)
})

t.test('on a later day a sync run also takes in the employments that began or ended in between', async (t) => {
  const org = await createOrganisation()
  const jobs: Job[] = [
    { employee_number: '401', unit_id: 'soc-eb-norr', employment_id: 'E-401', start_date: '2025-06-03' },
    { employee_number: '402', unit_id: 'soc-eb-norr', employment_id: 'E-402', start_date: '2024-01-01', end_date: '2025-06-01', employment_type: 'visstid' },
    { employee_number: '403', unit_id: 'soc-eb-syd', employment_id: 'E-403' }
  ]
  await recompute.after((await importJobs(app, org, jobs)).id)
  await publishMapping(app, org, MAPPING)
  t.same(await heldBy(app, org, '401'), [], 'not started yet')
  t.same(await heldBy(app, org, '402'), ['socialtjanst.eb.handlaggare@soc-eb-norr'], 'its last day')
  const seen = revocations.length
  now = new Date('2025-06-05T08:00:00Z')
  t.teardown(() => { now = NOW })
  // Only 403 changes in the source; 401 and 402 changed with the calendar.
  const run = await importJobs(app, org, [jobs[0]!, jobs[1]!, { ...jobs[2]!, title: 'Socialsekreterare (ny titel)' }], false)
  await recompute.after(run.id)
  t.match((await personByNumber(app, org, '401')).attributes, [{ id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr', valid_from: '2025-06-03' }])
  t.same(await heldBy(app, org, '402'), [])
  const ended = await personByNumber(app, org, '402')
  t.same(revocations.slice(seen), [{ organisation: org, domain: 'socialtjanst', mapping_version: 1, cause: { kind: 'sync', run_id: run.id }, revoked: [{ person_id: ended.id, attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr' }] }])
})

t.test('an unchanged re-import on the day a future-dated employment starts grants what it grants', async (t) => {
  const org = await createOrganisation()
  const jobs: Job[] = [{ employee_number: '451', unit_id: 'soc-eb-norr', employment_id: 'E-451', start_date: '2025-06-02' }]
  await recompute.after((await importJobs(app, org, jobs)).id)
  await publishMapping(app, org, MAPPING)
  t.same(await heldBy(app, org, '451'), [], 'not started yet')
  now = new Date('2025-06-02T06:00:00Z')
  t.teardown(() => { now = NOW })
  const run = await importJobs(app, org, jobs, false)
  t.match(run.counts, { created: 0, updated: 0, ended: 0 }, 'the source reports no change')
  await recompute.after(run.id)
  t.match((await personByNumber(app, org, '451')).attributes, [{ id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr', valid_from: '2025-06-02' }])
})

t.test('an unchanged re-import the day after an employment ended takes away what it granted', async (t) => {
  const org = await createOrganisation()
  const jobs: Job[] = [{ employee_number: '461', unit_id: 'soc-eb-norr', employment_id: 'E-461', employment_type: 'visstid', start_date: '2024-01-01', end_date: '2025-06-01' }]
  await recompute.after((await importJobs(app, org, jobs)).id)
  await publishMapping(app, org, MAPPING)
  t.same(await heldBy(app, org, '461'), ['socialtjanst.eb.handlaggare@soc-eb-norr'], 'its last day')
  const seen = revocations.length
  now = new Date('2025-06-02T06:00:00Z')
  t.teardown(() => { now = NOW })
  const run = await importJobs(app, org, jobs, false)
  await recompute.after(run.id)
  t.same(await heldBy(app, org, '461'), [])
  const ended = await personByNumber(app, org, '461')
  t.same(revocations.slice(seen), [{ organisation: org, domain: 'socialtjanst', mapping_version: 1, cause: { kind: 'sync', run_id: run.id }, revoked: [{ person_id: ended.id, attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr' }] }])
})

t.test('when a unit moves, the next recompute takes in everyone, not only the people the run changed', async (t) => {
  const org = await createOrganisation()
  const jobs: Job[] = [
    { employee_number: '501', unit_id: 'soc-bu', employment_id: 'E-501' },
    { employee_number: '502', unit_id: 'soc-eb-norr', employment_id: 'E-502' }
  ]
  await recompute.after((await importJobs(app, org, jobs)).id)
  await publishMapping(app, org, MAPPING)
  t.same(await heldBy(app, org, '501'), [])
  // Barn och unga is reorganised under Ekonomiskt bistånd; 501's own record is unchanged.
  const moved = UNITS.map((u) => u.id === 'soc-bu' ? { ...u, parent_id: 'soc-eb' } : u)
  const run = await importJobs(app, org, [jobs[0]!, { ...jobs[1]!, title: 'Socialsekreterare (ny titel)' }], false, moved)
  await recompute.after(run.id)
  t.same(await heldBy(app, org, '501'), ['socialtjanst.eb.handlaggare@soc-bu'])
})

t.test('a run that only moves a unit recomputes too, though it changed no person', async (t) => {
  const org = await createOrganisation()
  const jobs: Job[] = [
    { employee_number: '601', unit_id: 'soc-bu', employment_id: 'E-601' },
    { employee_number: '602', unit_id: 'soc-eb-norr', employment_id: 'E-602' }
  ]
  await recompute.after((await importJobs(app, org, jobs)).id)
  await publishMapping(app, org, MAPPING)
  t.same(await heldBy(app, org, '601'), [])
  const moved = UNITS.map((u) => u.id === 'soc-bu' ? { ...u, parent_id: 'soc-eb' } : u)
  const run = await importJobs(app, org, jobs, false, moved)
  t.match(run.counts, { created: 0, updated: 0, ended: 0, units: { updated: 1 } }, 'no employment changed, one unit did')
  await recompute.after(run.id)
  t.same(await heldBy(app, org, '601'), ['socialtjanst.eb.handlaggare@soc-bu'])
})
