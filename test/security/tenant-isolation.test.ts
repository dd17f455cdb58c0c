// Tenant isolation with the victim's REAL identifiers (test/auth/tenant-isolation.test.ts
// uses made-up ones): a source that has run an import, a published mapping, an API key,
// people, SCIM users and groups. The routes are walked from the live route table, so a
// route added later is covered, and one whose path parameter this file cannot fill fails.
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import { SCOPES } from '../../src/auth/scopes.js'
import { withTenant } from '../../src/store/tenant-scope.js'
import { generateKeyPairSync } from 'node:crypto'
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../src/scim/scim-urns.js'
import { adminHeaders } from '../helpers/app.js'
import { createHrSource, importAndWait } from '../helpers/sync.js'
import { publishMapping, snapshot, type Job } from '../mapping/helpers/mapping-app.js'
import { scimClient } from '../scim/helpers/scim-client.js'
import { agency, ISSUER, MAPPING, requestToken, tokenTestApp } from '../tokens/helpers/token-app.js'
import { problemType } from '../helpers/problem-type.js'
import { approveRelyingParty } from '../helpers/relying-party.js'
import { evaluationDay } from '../../src/mapping/evaluation-day.js'

const ATTRIBUTE = 'socialtjanst.eb.handlaggare'
const test = await tokenTestApp()
const { app, store } = test
const get = (url: string, headers: Record<string, string> = adminHeaders) => app.inject({ method: 'GET', url, headers })

/** An organisation with an imported HR source, a published mapping, a SCIM source with a user and a group, and an all-scope key. */
async function populatedOrganisation (name: string, prefix: string, jobs: Job[], emailOf: (n: string) => string) {
  const org = await test.createOrganisation(name)
  const source = `${prefix}-hr`
  await createHrSource(app, org, source, { max_end_percent: 100 })
  const document = JSON.parse(snapshot(jobs)) as { employments: Array<Record<string, unknown>> }
  for (const e of document.employments) {
    e['email'] = emailOf(e['employee_number'] as string)
    e['family_name'] = `${name}son ${e['employee_number'] as string}`
  }
  const run = await importAndWait(app, org, JSON.stringify(document), 'application/json', source)
  if (run.state !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(run)}`)
  const version = await publishMapping(app, org, MAPPING)
  const scimSource = `${prefix}-scim`
  const created = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: scimSource, kind: 'scim' } })
  if (created.statusCode !== 201) throw new Error(created.body)
  const scim = scimClient(app, { org, source: scimSource, auth: await test.apiKeyHeaders(org, ['scim']) })
  // The SCIM account correlates with the HR person by employee number, so its group reaches person_groups.
  const user = await scim.createUser(`${prefix}.anvandare@${prefix}.se`, { externalId: `${prefix}-ext-1`, name: { givenName: 'Hemlig', familyName: `${name}-scimson` }, [ENTERPRISE_USER_SCHEMA]: { employeeNumber: jobs[0]?.employee_number } })
  const group = await scim.createGroup(`${prefix}-Handlaggare`, [user['id'] as string])
  const key = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes: [...SCOPES] } })
  const people = (await get(`/v1/organisations/${org}/people?limit=100`)).json().items as Array<{ id: string }>
  const idp = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/identity-provider`, headers: adminHeaders, payload: { issuer: `https://idp.${prefix}.test`, jwks: { keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: `${prefix}-idp` }] }, subject: { claim: 'employee_number', type: 'employee-number' } } })
  if (idp.statusCode !== 201) throw new Error(idp.body)
  await approveRelyingParty(app, org, fk.clientId)
  if (!await app.behorig.dayRuns.run(org)) throw new Error('the day run did not run')
  const token = await requestToken(app, await fk.bearer(), { type: 'employee-number', value: jobs[0]?.employee_number, organisation: org })
  if (token.statusCode !== 200) throw new Error(token.body)
  const today = evaluationDay(new Date())
  const assignment = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/assignments`, headers: adminHeaders, payload: { person: { type: 'employee-number', value: jobs[1]?.employee_number }, attribute: ATTRIBUTE, unit: 'soc-eb-syd', valid_from: today, valid_until: today, reason: `${name} vikariat` } })
  if (assignment.statusCode !== 201) throw new Error(assignment.body)
  // A change still owed (propagated changes leave no row): one whose retry is far off.
  await store.db.insertInto('change_outbox').values({ organisation: org, cause: JSON.stringify({ kind: 'recompute' }), people: JSON.stringify(people.map((p) => p.id)), stage: 'recompute', available_at: new Date('2100-01-01') }).execute()
  return {
    org,
    name,
    source,
    scimSource,
    version,
    run: run.id as string,
    apiKey: key.json().id as string,
    headers: { authorization: `Bearer ${key.json().key as string}` },
    people: people.map((p) => p.id),
    /** An employee number only this organisation has (both employ a 7701). */
    employeeNumber: jobs[1]?.employee_number as string,
    scimUser: user['id'] as string,
    scimGroup: group['id'] as string,
    assignment: assignment.json().id as string,
    emails: jobs.map((j) => emailOf(j.employee_number))
  }
}
type Organisation = Awaited<ReturnType<typeof populatedOrganisation>>

const fk = await agency(app, 'fk')
const victim = await populatedOrganisation('Offerkommun', 'offer', [{ employee_number: '7701', unit_id: 'soc-eb-norr' }, { employee_number: '7702', unit_id: 'soc-bu' }], (n) => `p${n}@offerkommun.se`)
// The intruder also employs a 7701 (employee numbers are only unique per organisation).
const intruder = await populatedOrganisation('Inkraktarkommun', 'inkr', [{ employee_number: '7701', unit_id: 'soc-eb-norr' }, { employee_number: '8801', unit_id: 'soc-eb-syd' }], (n) => `p${n}@inkraktarkommun.se`)

/** Everything that identifies the victim's data; none may appear in an answer unless the URL named it. */
const victimSecrets = [
  victim.org, victim.name, victim.source, victim.scimSource, victim.run, victim.apiKey, victim.scimUser, victim.scimGroup, victim.assignment,
  ...victim.people, ...victim.emails, 'Offerkommunson', 'offer.anvandare', 'offer-ext-1', 'offer-Handlaggare', 'Offerkommun-scimson'
]

function leaks (res: LightMyRequestResponse, url: string): string[] {
  return victimSecrets.filter((secret) => !url.includes(secret) && res.body.toLowerCase().includes(secret.toLowerCase()))
}

/** A route's URL with real values: the victim's ids, named by the segment before each parameter. */
function fill (route: string, org: string, ids: Organisation): string {
  return route.split('/').map((segment, i, all) => {
    if (!segment.startsWith(':')) return segment
    const before = all[i - 1]
    switch (segment) {
      case ':org': return org
      case ':run': return ids.run
      case ':version': return String(ids.version)
      case ':attr': return ATTRIBUTE
      case ':client_id': return 'fk'
      case ':employee_number': return ids.employeeNumber
      case ':name': if (before === 'ResourceTypes') return 'User'; if (before === 'Schemas') return USER_SCHEMA; break
      case ':id': {
        const byCollection: Record<string, string | undefined> = { sources: ids.source, 'api-keys': ids.apiKey, people: ids.people[0], Users: ids.scimUser, Groups: ids.scimGroup, assignments: ids.assignment, 'identity-providers': `org-${ids.org}` }
        const value = before === undefined ? undefined : byCollection[before]
        if (value !== undefined) return value
      }
    }
    throw new Error(`${route}: no real value for ${segment} after /${before}; teach fill() about it`)
  }).join('/')
}

/** Parameters whose value is one organisation's own identifier (not a catalog name or a per-organisation counter). */
const TENANT_IDS = /:(run|id|employee_number)\b/

const orgRoutes = app.routeSummaries.filter((r) => r.auth && 'orgParam' in r.auth)
const platformRoutes = app.routeSummaries.filter((r) => r.auth === undefined || (r.auth !== false && 'platform' in r.auth))

function send (method: string, url: string, headers: Record<string, string>) {
  return app.inject({ method: method as 'GET', url, headers: { ...headers, 'content-type': 'application/json' }, ...(['GET', 'DELETE', 'HEAD'].includes(method) ? {} : { payload: '{}' }) })
}

/** What the platform admin reads of the victim on every GET route: compared before and after the attacks. */
async function victimState (): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {}
  for (const route of orgRoutes.filter((r) => r.method === 'GET')) {
    const url = fill(route.url, victim.org, victim)
    const res = await get(url)
    state[url] = { status: res.statusCode, body: res.body }
  }
  return state
}
const before = await victimState()

t.test('the victim has the data the walks try to reach', async (t) => {
  t.equal(victim.people.length, 2, 'people from HR (the SCIM account is one of them)')
  t.equal((await get(`/v1/organisations/${victim.org}/sync-runs/${victim.run}`)).json().state, 'succeeded')
  t.equal((await get(`/v1/organisations/${victim.org}/people/${victim.people[0] as string}`)).statusCode, 200)
  t.equal((await get(`/scim/v2/${victim.org}/Users/${victim.scimUser}`)).statusCode, 200)
  t.ok(orgRoutes.length >= 20, `${orgRoutes.length} organisation routes`)
  const adminView = await get(`/v1/organisations/${victim.org}/people/${victim.people[0] as string}`)
  t.ok(leaks(adminView, '').length >= 3, 'the leak detector finds the victim\'s data where it is allowed to be')
})

t.test('a foreign key holding every scope gets 403 and no data on every organisation and SCIM route, with real ids', async (t) => {
  for (const route of orgRoutes) {
    const url = fill(route.url, victim.org, victim)
    const res = await send(route.method, url, intruder.headers)
    const what = `${route.method} ${url}`
    t.equal(res.statusCode, 403, what)
    if (route.url.startsWith('/scim/v2/')) t.match(res.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403' }, what)
    else t.equal(res.json().type, problemType('foreign-organisation', ISSUER), what)
    t.same(leaks(res, url), [], `${what}: none of the victim's data`)
  }
})

t.test('the victim\'s ids under the intruder\'s own organisation find nothing of the victim', async (t) => {
  const routes = orgRoutes.filter((r) => TENANT_IDS.test(r.url))
  t.ok(routes.length >= 10, `${routes.length} routes with an id`)
  for (const route of routes) {
    // The intruder's organisation in the path, the victim's ids everywhere else.
    const url = fill(route.url, intruder.org, victim)
    const res = await send(route.method, url, intruder.headers)
    const what = `${route.method} ${url}`
    t.ok(res.statusCode >= 400 && res.statusCode < 500 && ![401, 403].includes(res.statusCode), `${what}: refused as not found or invalid (${res.statusCode})`)
    if (route.method === 'GET') t.equal(res.statusCode, 404, what)
    t.same(leaks(res, url), [], `${what}: none of the victim's data`)
  }
})

t.test('an agency\'s access token gets nothing from organisation or platform routes', async (t) => {
  const bearer = await fk.bearer()
  for (const route of [...orgRoutes, ...platformRoutes]) {
    const url = fill(route.url, victim.org, victim)
    const res = await send(route.method, url, bearer)
    t.ok([401, 403].includes(res.statusCode), `${route.method} ${url}: ${res.statusCode}`)
    t.same(leaks(res, url), [], `${route.method} ${url}: none of the victim's data`)
  }
})

t.test('organisation keys get nothing from platform-admin routes, with real ids', async (t) => {
  t.ok(platformRoutes.length >= 5, `${platformRoutes.length} platform routes`)
  const relyingParty = (await get('/v1/relying-parties/fk')).json()
  for (const headers of [intruder.headers, victim.headers]) {
    for (const route of platformRoutes) {
      const url = fill(route.url, victim.org, victim)
      const res = await send(route.method, url, headers)
      t.equal(res.statusCode, 403, `${route.method} ${url}`)
      t.equal(res.json().type, problemType('platform-admin-only', ISSUER), `${route.method} ${url}`)
      t.same(leaks(res, url), [], `${route.method} ${url}: none of the victim's data`)
      t.notOk(res.body.includes(relyingParty.name as string), `${route.method} ${url}: nothing of the relying party`)
    }
  }
})

t.test('the attacks changed nothing of the victim', async (t) => {
  t.same(await victimState(), before)
  t.equal((await get(`/v1/organisations/${victim.org}`, victim.headers)).statusCode, 200, 'the victim\'s key still works')
})

t.test('the intruder\'s people list never holds the victim\'s people, whatever the filter', async (t) => {
  const list = async (query: string) => {
    const res = await get(`/v1/organisations/${intruder.org}/people?${query}`, intruder.headers)
    t.equal(res.statusCode, 200, `${query}: ${res.body}`)
    t.same(leaks(res, ''), [], `${query}: none of the victim's data`)
    return res.json().items as Array<{ id: string, employee_number?: string }>
  }
  const shared = await list('employee_number=7701')
  t.equal(shared.length, 1, 'the intruder\'s own 7701 only')
  t.ok(intruder.people.includes(shared[0]?.id as string))
  t.same(await list(`email=${encodeURIComponent(victim.emails[0] as string)}`), [], 'the victim\'s e-mail finds nobody')
  t.same(await list('employee_number=7702'), [], 'an employee number only the victim has finds nobody')
  const holders = await list(`attribute=${ATTRIBUTE}`)
  t.ok(holders.length >= 1, 'the intruder\'s own holders are listed')
  t.ok(holders.every((p) => intruder.people.includes(p.id)))
  const all = await list('limit=100')
  t.ok(all.every((p) => intruder.people.includes(p.id)), 'the full list')
  const scim = scimClient(app, { org: intruder.org, source: intruder.scimSource, auth: intruder.headers })
  for (const filter of ['userName eq "offer.anvandare@offer.se"', 'externalId eq "offer-ext-1"', 'userName sw "offer"', `id eq "${victim.scimUser}"`]) {
    const res = await scim.filter('Users', filter)
    t.equal(res.statusCode, 200, filter)
    t.equal(res.json().totalResults, 0, filter)
  }
  t.equal((await scim.filter('Groups', 'displayName eq "offer-Handlaggare"')).json().totalResults, 0)
})

// Row-level security is the second wall: even a query that forgot `where organisation =`
// sees only its own organisation's rows inside withTenant. The tables come from the
// catalog, so a table added later is covered.
t.test('inside withTenant, the intruder reads no row of the victim from any table with an organisation column', async (t) => {
  const tables = (await sql<{ table_name: string }>`select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'organisation' order by table_name`.execute(store.db)).rows.map((r) => r.table_name)
  t.ok(tables.length >= 15, `${tables.length} tables: ${tables.join(', ')}`)
  for (const table of tables) await checkTable(t, table)

  const organisations = await withTenant(store.db, intruder.org, async (trx) => (await sql<{ number: string }>`select number from organisations`.execute(trx)).rows)
  t.same(organisations.map((o) => o.number), [intruder.org], 'organisations: only its own')
})

async function checkTable (t: Test, table: string): Promise<void> {
  const ownerRows = Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where organisation = ${victim.org}`.execute(store.db)).rows[0]?.n)
  // An empty table proves nothing: a new table needs victim data in populatedOrganisation().
  t.ok(ownerRows > 0, `${table}: the victim has rows to hide (${ownerRows})`)
  const guarded = (await sql<{ rls: boolean, readable: boolean }>`select c.relrowsecurity as rls, has_table_privilege('behorig_tenant', c.oid, 'select') as readable
    from pg_class c where c.oid = ${table}::regclass`.execute(store.db)).rows[0]
  t.ok(guarded?.rls === true || guarded?.readable === false, `${table}: row-level security on, or unreadable by the tenant role`)
  if (!guarded?.readable) return
  const seen = await withTenant(store.db, intruder.org, async (trx) => (await sql<{ foreign_rows: string, victim_rows: string }>`
    select count(*) filter (where organisation <> ${intruder.org}) as foreign_rows, count(*) filter (where organisation = ${victim.org}) as victim_rows
    from ${sql.table(table)}`.execute(trx)).rows[0])
  t.equal(Number(seen?.foreign_rows), 0, `${table}: no other organisation's rows (the victim has ${ownerRows})`)
  t.equal(Number(seen?.victim_rows), 0, `${table}: none of the victim's`)
  // The wall is not "nothing at all": the victim, in its own scope, sees its rows.
  const own = await withTenant(store.db, victim.org, async (trx) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(trx)).rows[0]?.n))
  t.equal(own, ownerRows, `${table}: the victim sees its own ${ownerRows} rows`)
}
