import t from 'tap'
import { decodeJwt } from 'jose'
import { adminHeaders, buildTestApp, openTestStore, type StoreKind, type TestApp } from '../helpers/app.js'
import { decodeStatusList, statusAt } from '../helpers/status-list.js'
import { approveRelyingParty } from '../helpers/relying-party.js'
import { importAndWait } from '../helpers/sync.js'
import { heldBy, recomputes, type Job } from './helpers/mapping-app.js'
import { agency, ISSUER, JOBS, requestToken, seededOrganisation, snapshotWithPin, verifyAttributeToken, type Agency } from '../tokens/helpers/token-app.js'

const EB = 'socialtjanst.eb.handlaggare@soc-eb-norr'
// 1004's fixed-term employment ends on 1 June; 1005's begins on 2 June.
const DATED: Job[] = [
  ...JOBS,
  { employee_number: '1004', unit_id: 'soc-eb-norr', employment_type: 'visstid', start_date: '2025-01-01', end_date: '2025-06-01' },
  { employee_number: '1005', unit_id: 'soc-eb-norr', start_date: '2025-06-02' }
]
/** 10:00 Swedish time on the given day of June 2025. */
const june = (day: number): Date => new Date(`2025-06-${String(day).padStart(2, '0')}T08:00:00Z`)

interface Setup { test: TestApp, org: string, fk: Agency, clock: { now: Date } }

async function setup (kind: StoreKind): Promise<Setup> {
  const clock = { now: june(1) }
  // The test configuration's tick never fires while the tests run: they run the day themselves.
  const test = await buildTestApp(await openTestStore(kind), { BEHORIG_ISSUER: ISSUER }, { now: () => clock.now })
  const org = await seededOrganisation(test, 'Exempelkommun', snapshotWithPin(DATED))
  const fk = await agency(test.app, `fk-${kind}`, { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(test.app, org, fk.clientId)
  return { test, org, fk, clock }
}

async function statusBit (s: Setup, token: string): Promise<number> {
  const { payload } = await verifyAttributeToken(s.test.app, token, s.fk.clientId)
  const ref = (payload['status'] as { status_list: { idx: number, uri: string } }).status_list
  const list = decodeJwt((await s.test.app.inject({ method: 'GET', url: new URL(ref.uri).pathname })).body)['status_list'] as { lst: string }
  return statusAt(decodeStatusList(list.lst), ref.idx)
}

async function auditedDays (s: Setup): Promise<Array<Record<string, unknown>>> {
  const rows = await s.test.store.db.selectFrom('audit_events').select('details').where('action', '=', 'attribute-day.completed').where('organisation', '=', s.org).orderBy('seq').execute()
  return rows.map((r) => r.details as Record<string, unknown>)
}

for (const kind of ['postgres', 'pglite'] as const) {
  t.test(`on ${kind}`, async (t) => {
    const s = await setup(kind)
    const { app } = s.test
    const tokenFor = async (employeeNumber: string) => requestToken(app, await s.fk.bearer(), { type: 'employee-number', value: employeeNumber, organisation: s.org })
    let token = ''

    t.test('an employment that ended yesterday releases nothing today, with no day run and no sync since', async (t) => {
      t.same((await s.test.app.behorig.dayRuns.run(s.org))?.days, ['2025-06-01'], 'the first day run covers its own day')
      const issued = await tokenFor('1004')
      t.equal(issued.statusCode, 200, issued.body)
      token = issued.json().attribute_token

      s.clock.now = june(2)
      t.same(await heldBy(app, s.org, '1004'), [EB], 'the stored attribute is still there')
      t.equal((await tokenFor('1004')).statusCode, 404, 'but issuance reads its valid_until against today')
      t.equal((await tokenFor('1005')).statusCode, 404, 'and an employment beginning today grants nothing before the recompute')
    })

    t.test('the day run takes the ended employment\'s attribute, revokes its live token, and grants the one that began', async (t) => {
      const run = await app.behorig.dayRuns.run(s.org)
      t.match(run, { day: '2025-06-02', days: ['2025-06-02'], since: '2025-06-01', revoked: 1 })
      t.same(await heldBy(app, s.org, '1004'), [], 'the effective attribute is gone')
      t.equal(await statusBit(s, token), 1, 'the live token\'s status bit is set')
      t.same(await heldBy(app, s.org, '1005'), [EB], 'the employment that began today grants its attribute')
      t.equal((await tokenFor('1005')).statusCode, 200, 'and it is released')
      t.match(await auditedDays(s), [{ day: '2025-06-01' }, { day: '2025-06-02', days: ['2025-06-02'], revoked: 1 }], 'each run is in the audit chain')
    })

    t.test('two runs of the same day at once do the work once', async (t) => {
      s.clock.now = june(3)
      const runs = await Promise.all([app.behorig.dayRuns.run(s.org), app.behorig.dayRuns.run(s.org)])
      t.equal(runs.filter((r) => r !== undefined).length, 1, 'one of them ran')
      t.equal(await app.behorig.dayRuns.run(s.org), undefined, 'and a third finds the day done')
      const rows = await s.test.store.db.selectFrom('attribute_day_runs').select('day').where('organisation', '=', s.org).where('day', '=', '2025-06-03').execute()
      t.equal(rows.length, 1)
      t.equal((await auditedDays(s)).length, 3, 'one audit event for the day')
    })

    t.test('after downtime the next run covers the missed days', async (t) => {
      // 1006 ends on 4 June and 1007 begins on 5 June; nothing runs until 7 June.
      const jobs: Job[] = [...DATED,
        { employee_number: '1006', unit_id: 'soc-eb-norr', employment_type: 'visstid', start_date: '2025-01-01', end_date: '2025-06-04' },
        { employee_number: '1007', unit_id: 'soc-eb-norr', start_date: '2025-06-05' }]
      const waitFor = recomputes(app)
      const run = await importAndWait(app, s.org, snapshotWithPin(jobs), 'application/json')
      await waitFor.after(run.id)
      t.same(await heldBy(app, s.org, '1006'), [EB])
      t.same(await heldBy(app, s.org, '1007'), [], 'not before its start')
      s.clock.now = june(7)
      const caughtUp = await app.behorig.dayRuns.run(s.org)
      t.match(caughtUp, { day: '2025-06-07', days: ['2025-06-04', '2025-06-05', '2025-06-06', '2025-06-07'], since: '2025-06-03' })
      t.same(await heldBy(app, s.org, '1006'), [], 'the employment that ended while nothing ran no longer grants')
      t.same(await heldBy(app, s.org, '1007'), [EB], 'the one that began does')
      const days = (await s.test.store.db.selectFrom('attribute_day_runs').select(['day', 'run_on']).where('organisation', '=', s.org).orderBy('day').execute())
      t.same(days.slice(-4), ['04', '05', '06', '07'].map((d) => ({ day: `2025-06-${d}`, run_on: '2025-06-07' })), 'each missed day is recorded as done by that run')
    })

    t.test('an assignment begins and runs out on its days through the day run, its token revoked', async (t) => {
      // Made on 7 June for 8 to 9 June: a substitute with no HR record.
      const made = await app.inject({
        method: 'POST',
        url: `/v1/organisations/${s.org}/assignments`,
        headers: adminHeaders,
        payload: { person: { external: { given_name: 'Vera', family_name: 'Vikarie', service_id: 'ts-vera' } }, attribute: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr', valid_from: '2025-06-08', valid_until: '2025-06-09', reason: 'Vikariat två dagar' }
      })
      t.equal(made.statusCode, 201, made.body)
      const vera = async () => requestToken(app, await s.fk.bearer(), { type: 'service-id', value: 'ts-vera', organisation: s.org })
      t.equal((await vera()).statusCode, 404, 'nothing before valid_from')

      s.clock.now = june(8)
      t.match(await app.behorig.dayRuns.run(s.org), { day: '2025-06-08', since: '2025-06-07' })
      const issued = await vera()
      t.equal(issued.statusCode, 200, `released on its first day: ${issued.body}`)
      const veraToken = issued.json().attribute_token as string

      s.clock.now = june(10)
      t.equal((await vera()).statusCode, 404, 'issuance refuses the day after valid_until before any run')
      t.match(await app.behorig.dayRuns.run(s.org), { day: '2025-06-10', days: ['2025-06-09', '2025-06-10'], revoked: 1 })
      t.equal(await statusBit(s, veraToken), 1, 'the day run revoked the token the assignment gave')
    })
  })
}
