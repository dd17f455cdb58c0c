/**
 * How ldap runs read and apply, end to end against the real slapd and PostgreSQL:
 * incremental runs by modifyTimestamp between full ones, deletions through the safety
 * threshold, and a directory that is down or refuses the bind.
 */
import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { requireLdap, withLdapAdmin } from '../helpers/services.js'
import { waitForRun } from '../helpers/sync.js'
import { dnKey } from '../../src/directory/directory-records.js'
import { SCHEDULED_SYNC_JOB } from '../../src/sources/service.js'
import { closedPort, cuttingRelay } from './helpers/tcp-stand-ins.js'
import { groupsOf, latestChange, ldapSourceConfig, modifyAfter, replaceLdapSource, setUpMunicipality, syncAndWait } from './helpers/ldap-sync.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { problemType } from '../helpers/problem-type.js'

const ldap = requireLdap()
const store = await openTestStore()
const testApp = await buildTestApp(store, allowLoopbackFetch)
const { app } = testApp

/** What the store holds of one account, by the DN the fixture gave it. */
async function account (org: string, dn: string) {
  return store.db.selectFrom('directory_accounts').select(['email', 'ended_at', 'person_id'])
    .where('organisation', '=', org).where('dn', '=', dnKey(dn)).executeTakeFirstOrThrow()
}

t.test('an incremental run reads only what changed since the last run and ends nothing; a full run ends what was deleted', async (t) => {
  // slapd runs on this machine's clock: no skew to allow, so the marks below are exactly the
  // entries' (docs/ldap.md; the default would read the last five minutes' entries again).
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, { config: { clock_skew_seconds: 0 } })
  const users = directory.users as Record<string, string>
  t.match(await syncAndWait(app, org), { state: 'succeeded', mode: 'full', counts: { read: 23, created: 23 } })

  // modifyTimestamp has whole seconds and runs read `>=` the last mark, so entries of the
  // mark's own second are read again: change Karin in a later second than everything so far.
  const karinMark = await modifyAfter(ldap, users['karin']!, 'mail', 'karin.nilsson@vaxjo.exempel.se', await latestChange(ldap, directory.peopleDn))
  const first = await syncAndWait(app, org)
  t.match(first, { state: 'succeeded', mode: 'incremental', counts: { updated: 1, created: 0, ended: 0 } })
  t.ok(first.counts.read >= 1 && first.counts.read <= 23)
  t.equal((await account(org, users['karin']!)).email, 'karin.nilsson@vaxjo.exempel.se')

  // Now the mark is Karin's second: Johan changes after it, Mohammed is deleted.
  await modifyAfter(ldap, users['johan']!, 'mail', 'johan.eriksson@vaxjo.exempel.se', karinMark)
  await withLdapAdmin(ldap, (c) => c.del(users['mohammed']!))
  const second = await syncAndWait(app, org)
  t.match(second, { state: 'succeeded', mode: 'incremental', counts: { read: 2, updated: 1, unchanged: 1, created: 0, ended: 0 } }, 'Johan, and Karin again (the mark\'s own second)')
  t.equal((await account(org, users['johan']!)).email, 'johan.eriksson@vaxjo.exempel.se')
  t.equal((await account(org, users['mohammed']!)).ended_at, null, 'an incremental run does not see deletions: Mohammed\'s account stays until a full run')

  const full = await syncAndWait(app, org, 'full')
  t.match(full, { state: 'succeeded', mode: 'full', counts: { read: 22, ended: 1, unchanged: 22 } }, '1 of 23 is within the 10 % threshold')
  t.not((await account(org, users['mohammed']!)).ended_at, null)
  t.same(await groupsOf(app, org, '100502'), {}, 'an ended account grants nothing')
})

t.test('a full run that would end more than the threshold waits, changing nothing, until approved', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, { source: { maxEndPercent: 10 } })
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const annasGroups = await groupsOf(app, org, '100234')
  t.equal(Object.keys(annasGroups).length, 4)
  await withLdapAdmin(ldap, async (c) => { for (const key of ['anna', 'asa', 'bjorn', 'per']) await c.del(directory.users[key]!) })

  const held = await syncAndWait(app, org, 'full')
  t.match(held, { state: 'awaiting-approval', mode: 'full', counts: { read: 19, ended: 4, active_before: 23, max_end_percent: 10 } }, '4 of 23 is 17 %')
  t.same(await groupsOf(app, org, '100234'), annasGroups, 'nothing applied while it waits')
  t.equal((await account(org, directory.users['anna']!)).ended_at, null)

  const approved = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sync-runs/${held.id}/approve`, headers: adminHeaders })
  t.equal(approved.statusCode, 202)
  t.match(await waitForRun(app, org, held.id), { state: 'succeeded', decided_by: 'platform-admin', counts: { ended: 4 } })
  t.same(await groupsOf(app, org, '100234'), {})
  t.not((await account(org, directory.users['anna']!)).ended_at, null)
  t.equal((await syncAndWait(app, org)).mode, 'incremental', 'the approved run moved the change mark on')
})

t.test('a user filter that suddenly matches nothing waits for approval whatever the threshold; rejected, nothing changes', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, { source: { maxEndPercent: 100 } })
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const annasGroups = await groupsOf(app, org, '100234')

  await replaceLdapSource(app, org, ldapSourceConfig(ldap, directory, { user_filter: '(&(objectClass=inetOrgPerson)(employeeNumber=finns-inte))' }), { maxEndPercent: 100 })
  const held = await syncAndWait(app, org)
  t.match(held, { state: 'awaiting-approval', mode: 'full', counts: { read: 0, ended: 23, active_before: 23 } }, 'a changed filter makes the next run full, and an empty read never ends everyone by itself')
  t.same(await groupsOf(app, org, '100234'), annasGroups)

  const rejected = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sync-runs/${held.id}/reject`, headers: adminHeaders })
  t.match(rejected.json(), { state: 'rejected' })
  t.same(await groupsOf(app, org, '100234'), annasGroups, 'rejected: nothing changed')
  t.equal((await account(org, directory.users['anna']!)).ended_at, null)
})

t.test('a directory that is down fails the run after the retries, naming it, and changes nothing', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap)
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const annasGroups = await groupsOf(app, org, '100234')

  const port = await closedPort()
  await replaceLdapSource(app, org, ldapSourceConfig(ldap, directory, { url: `ldap://127.0.0.1:${port}` }))
  const failed = await syncAndWait(app, org)
  t.match(failed, {
    state: 'failed',
    attempts: 2,
    error: { type: problemType('directory-unavailable'), detail: `The directory at 127.0.0.1:${port} is unavailable: connection refused` }
  }, 'retried with backoff (two attempts in the tests), then failed')
  t.notOk(failed.error.retrying)
  t.same(await groupsOf(app, org, '100234'), annasGroups)
  t.equal((await account(org, directory.users['anna']!)).ended_at, null)
})

t.test('a connection lost in the middle of a full read applies nothing of what was read', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, { config: { page_size: 5 }, source: { maxEndPercent: 100 } })
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const annasGroups = await groupsOf(app, org, '100234')

  // Request 1 is the bind, 2 the first page of accounts, 3 the second: cut there, every attempt.
  const target = new URL(ldap.url)
  const relay = await cuttingRelay({ host: target.hostname, port: Number(target.port) }, 3)
  t.teardown(relay.close)
  await replaceLdapSource(app, org, ldapSourceConfig(ldap, directory, { page_size: 5, url: relay.url }), { maxEndPercent: 100 })
  const failed = await syncAndWait(app, org, 'full')
  t.match(failed, { state: 'failed', attempts: 2, error: { type: problemType('directory-unavailable'), detail: /connection closed during the search$/ } })
  t.same(await groupsOf(app, org, '100234'), annasGroups, 'the five accounts of the first page did not make the others end')
  const live = await store.db.selectFrom('directory_accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('organisation', '=', org).where('ended_at', 'is', null).executeTakeFirstOrThrow()
  t.equal(Number(live.n), 23)
})

t.test('a wrong bind password fails the run at once with directory-bind-refused, without retrying into a lockout', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap)
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const password = 'Fel-lösenord-1234'
  await replaceLdapSource(app, org, ldapSourceConfig(ldap, directory, { bind_password: password }))
  const failed = await syncAndWait(app, org)
  t.match(failed, { state: 'failed', attempts: 1, error: { type: problemType('directory-bind-refused'), detail: `refused the bind as "${ldap.bindDN}": invalid credentials` } })
  t.notOk(JSON.stringify(failed).includes(password), 'the password is not on the run')
  t.equal(Object.keys(await groupsOf(app, org, '100234')).length, 4)
})

t.test('scheduled runs read incrementally, and every full_every-th run reads everything', async (t) => {
  const { org } = await setUpMunicipality(t, testApp, ldap, { config: { full_every: 3 }, source: { schedule: '0 5 * * *' } })
  const seen = new Set<string>()
  const scheduledRun = async () => {
    await app.behorig.queue.enqueue(SCHEDULED_SYNC_JOB, { organisation: org, source: 'ad' })
    for (let i = 0; i < 400; i++) {
      const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs?source=ad`, headers: adminHeaders })
      const run = list.json().items.find((r: { id: string }) => !seen.has(r.id))
      if (run) {
        seen.add(run.id)
        return waitForRun(app, org, run.id)
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error('the scheduled job started no run')
  }
  const modes: string[] = []
  for (let i = 0; i < 4; i++) {
    const run = await scheduledRun()
    t.match(run, { state: 'succeeded', trigger: 'schedule' })
    modes.push(run.mode)
  }
  t.same(modes, ['full', 'incremental', 'incremental', 'full'], 'the first run has no mark yet; then two incremental runs between full ones')

  const asked = await syncAndWait(app, org, 'full')
  seen.add(asked.id)
  t.match(asked, { state: 'succeeded', trigger: 'pull', mode: 'full' }, 'mode=full reads everything now')
  t.equal((await scheduledRun()).mode, 'incremental', 'and counts as the full run the next ones follow')
})
