import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, csv, importAndWait, staff } from '../helpers/sync.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)

async function activeCount (org: string): Promise<number> {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?limit=500`, headers: adminHeaders })
  return res.json().items.filter((p: { employments: { ended_at: string | null }[] }) => p.employments.some((e) => e.ended_at === null)).length
}

async function decide (org: string, runId: string, decision: 'approve' | 'reject', headers: Record<string, string> = adminHeaders) {
  return app.inject({ method: 'POST', url: `/v1/organisations/${org}/sync-runs/${runId}/${decision}`, headers })
}

t.test('a run that would end more than the threshold waits, changing nothing, until approved', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org, 'hr', { max_end_percent: 10 })
  await importAndWait(app, org, csv(staff(50)))
  const held = await importAndWait(app, org, csv(staff(40))) // 20 % would end
  t.match(held, { state: 'awaiting-approval', counts: { ended: 10, active_before: 50, max_end_percent: 10, unchanged: 40 } })
  t.equal(await activeCount(org), 50, 'nothing applied while waiting')

  const writer = await apiKeyHeaders(org, ['sources:write'])
  const approved = await decide(org, held.id, 'approve', writer)
  t.equal(approved.statusCode, 202)
  t.match(approved.json(), { state: 'queued', decided_by: /^api-key:/ })
  const { waitForRun } = await import('../helpers/sync.js')
  const done = await waitForRun(app, org, held.id)
  t.match(done, { state: 'succeeded', counts: { ended: 10 } })
  t.equal(await activeCount(org), 40)
  t.equal((await decide(org, held.id, 'approve')).statusCode, 409, 'a decided run cannot be decided again')
})

t.test('a run within the threshold applies at once', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org, 'hr', { max_end_percent: 10 })
  await importAndWait(app, org, csv(staff(50)))
  const run = await importAndWait(app, org, csv(staff(45))) // exactly 10 %
  t.match(run, { state: 'succeeded', counts: { ended: 5 } })
})

t.test('a rejected run changes nothing and cannot be approved later', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  await importAndWait(app, org, csv(staff(30)))
  const held = await importAndWait(app, org, csv(staff(10)))
  t.equal(held.state, 'awaiting-approval')
  const rejected = await decide(org, held.id, 'reject')
  t.equal(rejected.statusCode, 200)
  t.match(rejected.json(), { state: 'rejected', decided_by: 'platform-admin' })
  t.equal(await activeCount(org), 30)
  const late = await decide(org, held.id, 'approve')
  t.equal(late.statusCode, 409)
  t.match(late.json(), { type: problemType('run-not-awaiting-approval'), state: 'rejected' })
})

t.test('a snapshot with no records where there were some always waits, whatever the threshold', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org, 'hr', { max_end_percent: 100 })
  await importAndWait(app, org, csv(staff(5)))
  const empty = await importAndWait(app, org, csv([]))
  t.match(empty, { state: 'awaiting-approval', counts: { read: 0, ended: 5 } })
  t.equal(await activeCount(org), 5)
})

t.test('the first import of a new source never waits', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org, 'hr', { max_end_percent: 0 })
  const run = await importAndWait(app, org, csv(staff(5)))
  t.equal(run.state, 'succeeded')
})

t.test('approving a run of another organisation is not possible', async (t) => {
  const org = await createOrganisation()
  const other = await createOrganisation()
  await createHrSource(app, org)
  await importAndWait(app, org, csv(staff(10)))
  const held = await importAndWait(app, org, csv(staff(1)))
  const res = await decide(other, held.id, 'approve')
  t.equal(res.statusCode, 404)
  t.equal(res.json().type, problemType('unknown-sync-run'))
})
