import t from 'tap'
import { randomUUID } from 'node:crypto'
import { adminHeaders } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { createHrSource, csv, importAndWait, staff, upload, waitForRun } from '../helpers/sync.js'
import { publishMapping } from '../mapping/helpers/mapping-app.js'
import { agency, ISSUER, MAPPING, requestToken, seededOrganisation, tokenTestApp } from '../tokens/helpers/token-app.js'
import { inProcessQueue } from '../../src/jobs/in-process-queue.js'
import { METRICS_TOKEN, metricsHeaders, scrape } from './helpers/scrape.js'

// A queue of the test's own, so a sync run's job (and the recompute it propagates) can be waited for.
const queue = inProcessQueue({ error: () => {} }, { attempts: 2, backoffMs: 20 })
const test = await tokenTestApp({ queue }, { BEHORIG_METRICS_TOKEN: METRICS_TOKEN })
const { app, store } = test

t.test('an attribute token issued counts once for its relying party, and a refusal by its problem type', async (t) => {
  const org = await seededOrganisation(test)
  const fk = await agency(app, 'metrics-fk', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
  await approveRelyingParty(app, org, fk.clientId)
  const bearer = await fk.bearer()
  const issued = { client_id: 'metrics-fk' }
  const notFound = { client_id: 'metrics-fk', reason: 'subject-not-found' }
  const before = await scrape(app)
  t.equal(before.value('behorig_status_list_indices_allocated'), 0, 'no token yet, so no status-list index reserved')

  const res = await requestToken(app, bearer, { type: 'employee-number', value: '1001', organisation: org })
  t.equal(res.statusCode, 200, res.body)
  const afterIssue = await scrape(app)
  t.equal(afterIssue.value('behorig_attribute_tokens_issued_total', issued), before.value('behorig_attribute_tokens_issued_total', issued) + 1)
  t.equal(afterIssue.value('behorig_attribute_tokens_refused_total', notFound), before.value('behorig_attribute_tokens_refused_total', notFound))
  t.ok(afterIssue.value('behorig_status_list_indices_allocated') > 0, 'the token\'s status-list index came from a reserved block')
  t.ok(afterIssue.value('behorig_status_list_indices_capacity') >= afterIssue.value('behorig_status_list_indices_allocated'))

  const refused = await requestToken(app, bearer, { type: 'employee-number', value: '9999', organisation: org })
  t.equal(refused.statusCode, 404)
  const afterRefusal = await scrape(app)
  t.equal(afterRefusal.value('behorig_attribute_tokens_refused_total', notFound), before.value('behorig_attribute_tokens_refused_total', notFound) + 1)
  t.equal(afterRefusal.value('behorig_attribute_tokens_issued_total', issued), afterIssue.value('behorig_attribute_tokens_issued_total', issued), 'a refusal issues nothing')

  // Token exchange refuses a login it cannot read before issuance: counted by its OAuth error code.
  const exchange = await tokenRequest(app, await clientAssertion(fk.key, fk.clientId, ISSUER), { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange' })
  t.equal(exchange.statusCode, 400)
  t.equal(exchange.json().error, 'invalid_request')
  const afterExchange = await scrape(app)
  t.equal(afterExchange.value('behorig_attribute_tokens_refused_total', { client_id: 'metrics-fk', reason: 'invalid_request' }), before.value('behorig_attribute_tokens_refused_total', { client_id: 'metrics-fk', reason: 'invalid_request' }) + 1)
})

t.test('a finished sync run counts by source kind and state and is timed; a held run shows until rejected', async (t) => {
  const org = await test.createOrganisation()
  await createHrSource(app, org, 'hr', { max_end_percent: 10 })
  const succeeded = { kind: 'hr', state: 'succeeded' }
  const before = await scrape(app)

  t.equal((await importAndWait(app, org, csv(staff(20)))).state, 'succeeded')
  await queue.idle()
  const afterRun = await scrape(app)
  t.equal(afterRun.value('behorig_sync_runs_finished_total', succeeded), before.value('behorig_sync_runs_finished_total', succeeded) + 1)
  t.equal(afterRun.count('behorig_sync_run_duration_seconds', succeeded), before.count('behorig_sync_run_duration_seconds', succeeded) + 1)
  t.equal(afterRun.count('behorig_recompute_duration_seconds', { cause: 'sync' }), before.count('behorig_recompute_duration_seconds', { cause: 'sync' }) + 1, 'the run\'s change was recomputed')

  const held = await importAndWait(app, org, csv(staff(10))) // half would end
  t.equal(held.state, 'awaiting-approval')
  const holding = await scrape(app)
  t.equal(holding.value('behorig_sync_runs_awaiting_approval'), afterRun.value('behorig_sync_runs_awaiting_approval') + 1)
  t.equal(holding.value('behorig_sync_runs_finished_total', { kind: 'hr', state: 'awaiting-approval' }), before.value('behorig_sync_runs_finished_total', { kind: 'hr', state: 'awaiting-approval' }) + 1)

  const rejected = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sync-runs/${held.id as string}/reject`, headers: adminHeaders })
  t.equal(rejected.statusCode, 200)
  const afterReject = await scrape(app)
  t.equal(afterReject.value('behorig_sync_runs_awaiting_approval'), afterRun.value('behorig_sync_runs_awaiting_approval'))
  t.equal(afterReject.value('behorig_sync_runs_finished_total', { kind: 'hr', state: 'rejected' }), before.value('behorig_sync_runs_finished_total', { kind: 'hr', state: 'rejected' }) + 1)
  t.equal(afterReject.count('behorig_sync_run_duration_seconds', { kind: 'hr', state: 'rejected' }), 0, 'a steward\'s decision is not timed as a run')
})

t.test('a source whose latest run failed counts as failing until a run succeeds', async (t) => {
  const org = await test.createOrganisation()
  await createHrSource(app, org)
  const before = await scrape(app)
  const missingColumns = await upload(app, org, 'employee_number;given_name\n1;Anna\n')
  t.equal(missingColumns.statusCode, 422)
  t.equal((await waitForRun(app, org, missingColumns.json().run_id)).state, 'failed')
  const failing = await scrape(app)
  t.equal(failing.value('behorig_sync_sources_failing'), before.value('behorig_sync_sources_failing') + 1)
  t.equal(failing.value('behorig_sync_runs_finished_total', { kind: 'hr', state: 'failed' }), before.value('behorig_sync_runs_finished_total', { kind: 'hr', state: 'failed' }) + 1)
  t.equal((await importAndWait(app, org, csv(staff(3)))).state, 'succeeded')
  t.equal((await scrape(app)).value('behorig_sync_sources_failing'), before.value('behorig_sync_sources_failing'))
})

t.test('requests are timed by route pattern, never by URL; paths no route has share one label', async (t) => {
  const org = await test.createOrganisation()
  const stray = `/no-such-route-${randomUUID()}`
  const byPattern = { route: '/v1/organisations/:org', method: 'GET', status_code: '200' }
  const unmatched = { route: 'unmatched', method: 'GET', status_code: '404' }
  const before = await scrape(app)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: adminHeaders })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: stray })).statusCode, 404)
  const after = await scrape(app)
  t.equal(after.count('behorig_http_request_duration_seconds', byPattern), before.count('behorig_http_request_duration_seconds', byPattern) + 1)
  t.equal(after.count('behorig_http_request_duration_seconds', unmatched), before.count('behorig_http_request_duration_seconds', unmatched) + 1)
  t.notOk(after.text.includes(stray), 'the unknown path is no label')
  t.notOk(after.text.includes(org), 'nor is the organisation number in the path')
})

t.test('a publish is timed as a recompute; audit appends and verifications are counted', async (t) => {
  const org = await test.createOrganisation()
  await createHrSource(app, org)
  await importAndWait(app, org, csv(staff(3)))
  const before = await scrape(app)
  await publishMapping(app, org, MAPPING)
  const verify = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: adminHeaders })
  t.equal(verify.json().ok, true)
  const after = await scrape(app)
  t.equal(after.count('behorig_recompute_duration_seconds', { cause: 'publish' }), before.count('behorig_recompute_duration_seconds', { cause: 'publish' }) + 1)
  t.ok(after.count('behorig_audit_append_duration_seconds') > before.count('behorig_audit_append_duration_seconds'), 'the submit and the publish appended to the audit log')
  t.equal(after.value('behorig_audit_verifications_total', { result: 'intact' }), before.value('behorig_audit_verifications_total', { result: 'intact' }) + 1)
})

t.test('the state behind the gauges is read at scrape time', async (t) => {
  const s = await scrape(app)
  t.same(s.samples('behorig_metrics_collection_errors_total'), [], 'every part was read')
  for (const purpose of ['token', 'federation']) {
    const since = s.value('behorig_signing_key_active_since_timestamp_seconds', { purpose })
    const due = s.value('behorig_signing_key_rotation_due_timestamp_seconds', { purpose })
    t.ok(since > 0, `${purpose} keys sign`)
    t.equal(Math.round(due - since), 2592000, `the ${purpose} key is due to be replaced BEHORIG_KEY_ROTATION_SECONDS after it began to sign`)
  }
  for (const name of ['behorig_change_outbox_pending', 'behorig_change_outbox_failing', 'behorig_change_outbox_oldest_seconds']) {
    t.ok(Number.isFinite(s.value(name)), `${name} was read`)
  }
  t.same(s.samples('behorig_job_queue_jobs').map((m) => m.labels?.['state']), ['waiting', 'active', 'delayed', 'failed'])
  t.ok(s.samples('nodejs_eventloop_lag_seconds').length > 0, 'Node\'s own metrics, event-loop lag among them')
  if (store.kind === 'postgres') {
    t.equal(s.value('behorig_store_pool_max_connections'), 5, 'the test store\'s pool size')
    t.ok(s.value('behorig_store_pool_connections', { state: 'idle' }) + s.value('behorig_store_pool_connections', { state: 'in_use' }) <= 5)
  } else {
    t.notOk(s.families.some((f) => f.name.startsWith('behorig_store_pool')), 'the embedded store has no pool to report')
  }
})

t.test('GET /metrics takes the metrics token or the platform admin token, nothing else', async (t) => {
  const none = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().type, problemType('unauthenticated', ISSUER))
  const org = await test.createOrganisation()
  const key = await test.apiKeyHeaders(org, ['organisation:read', 'audit:read'])
  for (const headers of [key, { authorization: 'Bearer not-the-metrics-token-0123456789abcdef' }]) {
    const refused = await app.inject({ method: 'GET', url: '/metrics', headers })
    t.equal(refused.statusCode, 401)
    t.equal(refused.json().type, problemType('invalid-credentials', ISSUER))
    t.match(refused.headers['www-authenticate'], /^Bearer/)
  }
  for (const headers of [metricsHeaders, adminHeaders]) {
    const ok = await app.inject({ method: 'GET', url: '/metrics', headers })
    t.equal(ok.statusCode, 200)
    t.equal(ok.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    t.equal(ok.headers['cache-control'], 'no-store')
  }
})

t.test('the metrics token opens GET /metrics only', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/organisations', headers: metricsHeaders })
  t.equal(res.statusCode, 401)
  t.equal(res.json().type, problemType('invalid-credentials', ISSUER))
})
