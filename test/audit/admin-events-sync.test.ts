import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'
import { createHrSource, csv, importAndWait, staff, upload, waitForRun } from '../helpers/sync.js'
import { scimClient, scimOrganisation } from '../scim/helpers/scim-client.js'
import { SCHEDULED_SYNC_JOB } from '../../src/sources/service.js'

const store = await openTestStore()
const test = await buildTestApp(store)
const { app, createOrganisation, apiKeyHeaders } = test

interface EventRow { seq: number, action: string, actor: Record<string, unknown>, details: Record<string, any> }

/** The sync-run events of an organisation's chain, oldest first. */
async function runEvents (org: string): Promise<EventRow[]> {
  const rows = await store.db.selectFrom('audit_events').select(['seq', 'action', 'actor', 'details'])
    .where('chain', '=', org).where('action', 'like', 'sync-run.%').orderBy('seq').execute()
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }) as EventRow)
}

const of = (events: EventRow[], runId: string) => events.filter((e) => e.details['run_id'] === runId)

t.test('an uploaded snapshot: started by the uploader, finished by the engine with its counts, no personnummer', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const writer = await apiKeyHeaders(org, ['sources:write'])
  const res = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org}/sources/hr/imports`,
    headers: { ...writer, 'content-type': 'text/csv' },
    payload: csv([...staff(3), { employee_number: '100234', unit_id: 'soc', personal_identity_number: '198112289874' }])
  })
  t.equal(res.statusCode, 202)
  const run = await waitForRun(app, org, res.json().run_id)
  t.equal(run.state, 'succeeded')
  t.match(of(await runEvents(org), run.id), [
    { action: 'sync-run.started', actor: { kind: 'api-key', key_id: writer.authorization.split('_')[1], organisation: org }, details: { source: 'hr', trigger: 'import', mode: 'full' } },
    { action: 'sync-run.finished', actor: { kind: 'system', component: 'sync-engine' }, details: { source: 'hr', trigger: 'import', state: 'succeeded', counts: { read: 4, created: 4, ended: 0, quarantined: 0 } } }
  ])
  t.equal(of(await runEvents(org), run.id).length, 2)
  const rows = JSON.stringify(await store.db.selectFrom('audit_events').selectAll().execute())
  t.notOk(rows.includes('198112289874'), 'no personnummer in the audit log')
})

t.test('a file that cannot be read: the run is recorded as started and failed, with the problem type only', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const res = await upload(app, org, '{"units": [', 'application/json')
  t.equal(res.statusCode, 422)
  const runId = res.json().run_id as string
  const recorded = of(await runEvents(org), runId)
  t.match(recorded, [
    { action: 'sync-run.started', actor: { kind: 'platform-admin' } },
    { action: 'sync-run.finished', details: { state: 'failed', error: { type: problemType('') /* tmatch: a string matches what contains it */ } } }
  ])
  t.notOk('detail' in (recorded[1]?.details['error'] ?? {}), 'a problem detail may quote the file: not kept')
})

t.test('a run held by its threshold: held, approved by a key, then applied; a rejection names who rejected', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org, 'hr', { max_end_percent: 10 })
  await importAndWait(app, org, csv(staff(20)))
  const held = await importAndWait(app, org, csv(staff(10)))
  t.equal(held.state, 'awaiting-approval')
  const approver = await apiKeyHeaders(org, ['sources:write'])
  const approved = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sync-runs/${held.id}/approve`, headers: approver })
  t.equal(approved.statusCode, 202)
  t.equal((await waitForRun(app, org, held.id)).state, 'succeeded')
  t.match(of(await runEvents(org), held.id), [
    { action: 'sync-run.started', details: { trigger: 'import' } },
    { action: 'sync-run.finished', details: { state: 'awaiting-approval', counts: { ended: 10, active_before: 20, max_end_percent: 10 } } },
    { action: 'sync-run.approved', actor: { kind: 'api-key', key_id: approver.authorization.split('_')[1] }, details: { decided_by: /^api-key:/ } },
    { action: 'sync-run.finished', actor: { kind: 'system', component: 'sync-engine' }, details: { state: 'succeeded', counts: { ended: 10 } } }
  ])

  const again = await importAndWait(app, org, csv(staff(2)))
  t.equal(again.state, 'awaiting-approval')
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sync-runs/${again.id}/reject`, headers: adminHeaders })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sync-runs/${again.id}/approve`, headers: adminHeaders })).statusCode, 409)
  const decided = of(await runEvents(org), again.id).map((e) => e.action)
  t.same(decided, ['sync-run.started', 'sync-run.finished', 'sync-run.rejected'], 'a refused decision records nothing')
  t.match(of(await runEvents(org), again.id)[2], { actor: { kind: 'platform-admin' }, details: { decided_by: 'platform-admin' } })
})

t.test('a pull is started by whoever asked for it, a scheduled pull by the scheduler', async (t) => {
  const org = await createOrganisation()
  // Nothing listens on port 1: the run fails, after its retries, as a source that is down.
  const source = { id: 'heroma', kind: 'hr', config: { url: 'https://127.0.0.1:1/export.csv' } }
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: source })).statusCode, 201)
  await app.behorig.queue.enqueue(SCHEDULED_SYNC_JOB, { organisation: org, source: 'heroma' })
  let started: EventRow | undefined
  for (let i = 0; i < 400 && !started; i++) {
    started = (await runEvents(org)).find((e) => e.action === 'sync-run.started')
    if (!started) await new Promise((resolve) => setTimeout(resolve, 25))
  }
  t.match(started, { actor: { kind: 'system', component: 'scheduler' }, details: { source: 'heroma', trigger: 'schedule' } })
  const run = await waitForRun(app, org, started?.details['run_id'])
  t.equal(run.state, 'failed')
  t.match(of(await runEvents(org), run.id).map((e) => `${e.action}:${String(e.details['state'])}`), ['sync-run.started:undefined', 'sync-run.finished:failed'], 'retries are not results: one finish')

  const writer = await apiKeyHeaders(org, ['sources:write'])
  const asked = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/heroma/sync`, headers: writer })
  t.equal(asked.statusCode, 202)
  t.match(of(await runEvents(org), asked.json().run_id)[0], { action: 'sync-run.started', actor: { kind: 'api-key', key_id: writer.authorization.split('_')[1] }, details: { trigger: 'pull' } })
  await waitForRun(app, org, asked.json().run_id)
})

t.test('a SCIM push is one run started and finished by the pushing key; a refused push leaves no event', async (t) => {
  const target = await scimOrganisation(test)
  const keyId = target.auth.authorization.split('_')[1]
  const scim = scimClient(app, target)
  await scim.createUser('anna@exempel.se')
  const recorded = await runEvents(target.org)
  t.match(recorded, [
    { action: 'sync-run.started', actor: { kind: 'api-key', key_id: keyId, organisation: target.org }, details: { source: target.source, trigger: 'push', mode: 'incremental' } },
    { action: 'sync-run.finished', actor: { kind: 'api-key', key_id: keyId }, details: { state: 'succeeded', counts: { created: 1 } } }
  ])
  t.equal(recorded.length, 2)
  t.equal(recorded[0]?.details['run_id'], recorded[1]?.details['run_id'])

  const duplicate = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ANNA@exempel.se' })
  t.equal(duplicate.statusCode, 409)
  t.equal((await runEvents(target.org)).length, 2, 'the rolled-back push recorded nothing')
  const runs = await store.db.selectFrom('sync_runs').select('id').where('organisation', '=', target.org).execute()
  t.equal(runs.length, 1, 'and left no run')
})
