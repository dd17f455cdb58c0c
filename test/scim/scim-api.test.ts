import t from 'tap'
import { randomUUID } from 'node:crypto'
import { scimRepository } from '../../src/scim/repository.js'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, csv, importAndWait } from '../helpers/sync.js'
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, group, runsOf, scimClient, scimOrganisation, user } from './helpers/scim-client.js'
import { problemType } from '../helpers/problem-type.js'

/**
 * SCIM 2.0 conformance (RFC 7643, RFC 7644) of /scim/v2/{org} against the real app and
 * store: every endpoint, the filter operators, windows, PATCH, ETags, error shapes,
 * authentication, and what each write means for the directory and the people it reaches.
 */
const store = await openTestStore()
const test = await buildTestApp(store)
const { app } = test

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

t.test('discovery: ServiceProviderConfig, ResourceTypes and Schemas', async (t) => {
  const target = await scimOrganisation(test)
  const scim = scimClient(app, target)
  const config = await scim.get('/ServiceProviderConfig')
  t.equal(config.statusCode, 200)
  t.match(config.headers['content-type'], /^application\/scim\+json/)
  t.match(config.json(), { patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 200 }, etag: { supported: true }, sort: { supported: false } })
  t.match(config.json().meta.location, new RegExp(`^https?://[^/]+/scim/v2/${target.org}/ServiceProviderConfig$`), 'the issuer\'s SCIM base')

  const types = await scim.get('/ResourceTypes')
  t.match(types.json(), { schemas: [LIST], totalResults: 2 })
  t.same(types.json().Resources.map((r: { id: string }) => r.id), ['User', 'Group'])
  t.match((await scim.get('/ResourceTypes/User')).json(), { endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }] })
  t.match((await scim.get('/ResourceTypes/Group')).json(), { endpoint: '/Groups', schema: GROUP_SCHEMA })
  const unknownType = await scim.get('/ResourceTypes/Printer')
  t.equal(unknownType.statusCode, 404)
  t.match(unknownType.json(), { schemas: [ERROR], status: '404' })

  const schemas = await scim.get('/Schemas')
  t.same(schemas.json().Resources.map((s: { id: string }) => s.id), [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA])
  const enterprise = (await scim.get(`/Schemas/${ENTERPRISE_USER_SCHEMA}`)).json()
  t.same(enterprise.attributes.map((a: { name: string }) => a.name), ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'])
  t.equal((await scim.get('/Schemas/urn:example:nothing')).statusCode, 404)
  const filtered = await scim.get(`/Schemas?filter=${encodeURIComponent('id pr')}`)
  t.equal(filtered.statusCode, 403, 'RFC 7644 §4: a filter on a discovery endpoint is refused, not ignored')
  t.match(filtered.json(), { schemas: [ERROR], status: '403' })
})

t.test('creates and reads a User with the enterprise extension, meta and ETag', async (t) => {
  const target = await scimOrganisation(test)
  const scim = scimClient(app, target)
  const created = await scim.post('/Users', user('Anna.Svensson@exempel.se', {
    externalId: 'entra-anna',
    name: { givenName: 'Anna', familyName: 'Svensson' },
    displayName: 'Anna Svensson',
    title: null,
    emails: [{ value: 'anna.svensson@exempel.se', type: 'work', primary: true }],
    phoneNumbers: [{ value: '+46 8 123 45', type: 'work' }],
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234', organization: 'Exempelkommun', department: 'Socialförvaltningen', manager: { value: 'boss-1' } }
  }))
  t.equal(created.statusCode, 201)
  t.match(created.headers['content-type'], /^application\/scim\+json/)
  const anna = created.json()
  t.match(anna.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'the server assigns a UUID')
  t.same(anna.schemas, [USER_SCHEMA, ENTERPRISE_USER_SCHEMA])
  t.match(anna, {
    userName: 'Anna.Svensson@exempel.se',
    externalId: 'entra-anna',
    name: { givenName: 'Anna', familyName: 'Svensson' },
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234', organization: 'Exempelkommun', department: 'Socialförvaltningen', manager: { value: 'boss-1' } },
    meta: { resourceType: 'User', version: 'W/"1"', location: new RegExp(`^https?://[^/]+/scim/v2/${target.org}/Users/${anna.id}$`) }
  })
  t.equal(anna.title, undefined, 'null means unassigned (RFC 7643 §2.5)')
  t.equal(anna.phoneNumbers, undefined, 'attributes behorig does not keep are ignored (RFC 7644 §3.3)')
  t.equal(anna.meta.created, anna.meta.lastModified)
  t.equal(created.headers.etag, 'W/"1"')
  t.equal(created.headers.location, anna.meta.location)

  const read = await scim.get(`/Users/${anna.id}`)
  t.equal(read.statusCode, 200)
  t.same(read.json(), anna)
  t.equal(read.headers.etag, 'W/"1"')
  t.equal((await scim.get(`/Groups/${anna.id}`)).statusCode, 404, 'a User is not found under /Groups')

  const plainJson = await scim.post('/Users', { SCHEMAS: [USER_SCHEMA], USERNAME: 'bo@exempel.se', Active: 'true' }, { contentType: 'application/json' })
  t.equal(plainJson.statusCode, 201, 'application/json and attribute names in any case are accepted')
  t.match(plainJson.json(), { userName: 'bo@exempel.se', active: true })
  const withCharset = await scim.post('/Users', user('cecilia@exempel.se'), { contentType: 'application/scim+json; charset=utf-8' })
  t.equal(withCharset.statusCode, 201, 'media type parameters are fine')
})

t.test('If-None-Match answers 304 while the version is current', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const anna = await scim.createUser('anna')
  const unchanged = await scim.get(`/Users/${anna.id}`, { headers: { 'if-none-match': 'W/"1"' } })
  t.equal(unchanged.statusCode, 304)
  t.equal(unchanged.body, '')
  t.equal(unchanged.headers.etag, 'W/"1"')
  t.equal((await scim.get(`/Users/${anna.id}`, { headers: { 'if-none-match': 'W/"7"' } })).statusCode, 200)
  t.equal((await scim.get(`/Users/${anna.id}`, { headers: { 'if-none-match': '*' } })).statusCode, 304)
})

t.test('userName is unique per organisation, case-insensitively: 409 uniqueness', async (t) => {
  const target = await scimOrganisation(test)
  const scim = scimClient(app, target)
  await scim.createUser('anna@exempel.se')
  const bo = await scim.createUser('bo@exempel.se')
  const before = (await runsOf(app, target)).length
  const clash = await scim.post('/Users', user('ANNA@exempel.se'))
  t.equal(clash.statusCode, 409)
  t.same(Object.keys(clash.json()).sort(), ['detail', 'schemas', 'scimType', 'status'])
  t.match(clash.json(), { schemas: [ERROR], status: '409', scimType: 'uniqueness' })
  const renamed = await scim.put(`/Users/${bo.id}`, user('Anna@Exempel.se'))
  t.match(renamed.json(), { status: '409', scimType: 'uniqueness' })
  const patched = await scim.patch(`/Users/${bo.id}`, [{ op: 'replace', path: 'userName', value: 'anna@EXEMPEL.se' }])
  t.match(patched.json(), { status: '409', scimType: 'uniqueness' })
  t.equal((await runsOf(app, target)).length, before, 'a refused write leaves no run')
  const other = scimClient(app, await scimOrganisation(test))
  t.equal((await other.post('/Users', user('anna@exempel.se'))).statusCode, 201, 'another organisation may use the same userName')
})

t.test('filters: eq, sw, pr, and, or, value paths, with correct totals', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const anna = await scim.createUser('anna.svensson@exempel.se', { title: 'Socialsekreterare', emails: [{ value: 'anna@exempel.se', type: 'work' }], [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234' } })
  const anders = await scim.createUser('anders.berg@exempel.se', { emails: [{ value: 'anders@privat.se', type: 'home' }], externalId: 'x-anders' })
  const bo = await scim.createUser('bo.ek@exempel.se', { title: 'Enhetschef', active: false })
  const ids = async (endpoint: string, filter: string) => {
    const res = await scim.filter(endpoint, filter)
    t.equal(res.statusCode, 200, filter)
    const body = res.json()
    t.equal(body.totalResults, body.Resources.length, `totalResults of ${filter}`)
    return body.Resources.map((r: { id: string }) => r.id).sort()
  }
  t.same(await ids('Users', 'userName eq "ANNA.SVENSSON@exempel.se"'), [anna.id], 'eq on userName ignores case')
  t.same(await ids('Users', 'externalId eq "x-anders"'), [anders.id])
  t.same(await ids('Users', 'externalId eq "X-ANDERS"'), [], 'externalId is case-exact')
  t.same(await ids('Users', 'employeeNumber eq "100234"'), [anna.id], 'enterprise attributes without their URN')
  t.same(await ids('Users', `${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "100234"`), [anna.id])
  t.same(await ids('Users', 'userName sw "an"'), [anna.id, anders.id].sort())
  t.same(await ids('Users', 'title pr'), [anna.id, bo.id].sort())
  t.same(await ids('Users', 'userName sw "an" and title pr'), [anna.id])
  t.same(await ids('Users', 'userName eq "bo.ek@exempel.se" or externalId eq "x-anders"'), [anders.id, bo.id].sort())
  t.same(await ids('Users', 'active eq false'), [bo.id])
  t.same(await ids('Users', 'emails[type eq "work" and value sw "anna"]'), [anna.id])
  t.same(await ids('Users', 'emails.value eq "ANDERS@privat.se"'), [anders.id])
  t.same(await ids('Users', 'not (title pr)'), [anders.id])
  t.same(await ids('Users', `meta.lastModified ge "${anna.meta.lastModified}" and userName sw "b"`), [bo.id])
  t.same(await ids('Users', 'id eq "no-such-id"'), [])

  const bad = await scim.filter('Users', 'userName eq')
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { schemas: [ERROR], status: '400', scimType: 'invalidFilter' })
  t.match((await scim.filter('Users', 'active sw "t"')).json(), { scimType: 'invalidFilter' }, 'sw on a boolean is refused')
})

t.test('startIndex and count cut windows; totalResults counts every match', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const created = []
  for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) created.push((await scim.createUser(`${name}@exempel.se`, { title: name === 'u3' ? undefined : 'x' })).id)
  const page = async (query: string) => (await scim.get(`/Users?${query}`)).json()
  t.match(await page('startIndex=2&count=2'), { schemas: [LIST], totalResults: 5, startIndex: 2, itemsPerPage: 2 })
  t.same((await page('startIndex=2&count=2')).Resources.map((r: { id: string }) => r.id), created.slice(1, 3), 'in creation order')
  t.match(await page('count=0'), { totalResults: 5, itemsPerPage: 0, Resources: [] })
  t.match(await page('startIndex=6'), { totalResults: 5, itemsPerPage: 0, Resources: [] })
  t.match(await page('startIndex=0&count=-1'), { startIndex: 1, itemsPerPage: 0 }, 'RFC 7644 §3.4.2.4: below 1 reads as 1, negative count as 0')
  t.match(await page('count=500'), { itemsPerPage: 5 }, 'a count above maxResults is cut')
  const filtered = (await scim.filter('Users', 'title pr', '&startIndex=2&count=2')).json()
  t.match(filtered, { totalResults: 4, startIndex: 2, itemsPerPage: 2 }, 'filters the store cannot answer still count every match')
  t.same(filtered.Resources.map((r: { id: string }) => r.id), [created[1], created[3]])
  t.equal((await scim.get('/Users?count=many')).json().status, '400')
})

t.test('a filter the store can only narrow walks every candidate, batch by batch', async (t) => {
  const target = await scimOrganisation(test)
  const repo = scimRepository(store.db)
  const scope = { organisation: target.org, source: target.source }
  const start = Date.parse('2026-01-01T00:00:00Z')
  // More than two batches of candidates, written straight to the store: this is about reading.
  for (let i = 0; i < 1203; i++) {
    const id = randomUUID()
    const created = new Date(start + i * 1000)
    await repo.insert(scope, { resourceType: 'User', id, dn: `uid=${id},ou=users,ou=${target.source},o=scim`, version: 1, created, updated: created, resource: { schemas: [USER_SCHEMA], userName: `u${i}`, ...(i % 3 === 0 ? { title: 'x' } : {}) } })
  }
  const scim = scimClient(app, target)
  const page = (await scim.filter('Users', 'title pr', '&startIndex=400&count=3')).json()
  t.match(page, { totalResults: 401, startIndex: 400, itemsPerPage: 2 })
  t.same(page.Resources.map((r: { userName: string }) => r.userName), ['u1197', 'u1200'])
  t.equal((await scim.filter('Users', 'userName sw "u12"', '&count=0')).json().totalResults, 14, 'u12, u120–u129, u1200–u1202')
})

t.test('attributes and excludedAttributes shape what a read answers', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const anna = await scim.createUser('anna', { title: 'Socialsekreterare', emails: [{ value: 'anna@exempel.se', type: 'work' }], [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234', department: 'EB' } })
  const eb = await scim.createGroup('EB', [anna.id])
  const only = await scim.get(`/Users/${anna.id}?attributes=emails.value,employeeNumber`)
  t.equal(only.statusCode, 200)
  t.same(Object.keys(only.json()).sort(), ['emails', 'id', 'meta', 'schemas', 'userName', ENTERPRISE_USER_SCHEMA].sort())
  t.same(only.json().emails, [{ value: 'anna@exempel.se' }])
  t.same(only.json()[ENTERPRISE_USER_SCHEMA], { employeeNumber: '100234' })
  t.equal(only.headers.etag, 'W/"1"', 'the version is the resource\'s, whatever is shown')
  const without = (await scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "EB"')}`)).json()
  t.match(without, { totalResults: 1, Resources: [{ id: eb.id, displayName: 'EB' }] })
  t.equal(without.Resources[0].members, undefined, 'Entra ID reads groups without their members')
  const excluded = (await scim.get(`/Users/${anna.id}?excludedAttributes=title,${ENTERPRISE_USER_SCHEMA}:department,userName,id`)).json()
  t.match(excluded, { id: anna.id, userName: 'anna', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234' } }, 'id and userName are always returned')
  t.equal(excluded.title, undefined)
  t.equal(excluded[ENTERPRISE_USER_SCHEMA].department, undefined)
  t.match((await scim.get('/Users?attributes=user%20name')).json(), { status: '400', scimType: 'invalidValue' })
})

t.test('PUT replaces; a PUT that changes nothing keeps the version', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const anna = await scim.createUser('anna', { title: 'Socialsekreterare', displayName: 'Anna' })
  const replaced = await scim.put(`/Users/${anna.id}`, user('anna', { displayName: 'Anna S', id: 'ignored', meta: { version: 'W/"99"' } }))
  t.equal(replaced.statusCode, 200)
  t.match(replaced.json(), { id: anna.id, displayName: 'Anna S', meta: { version: 'W/"2"', created: anna.meta.created } })
  t.equal(replaced.json().title, undefined, 'PUT replaces: what is left out is gone')
  t.equal(replaced.headers.etag, 'W/"2"')
  const again = await scim.put(`/Users/${anna.id}`, user('anna', { displayName: 'Anna S' }))
  t.equal(again.statusCode, 200)
  t.equal(again.json().meta.version, 'W/"2"', 'nothing changed, so neither did the version')
  t.equal((await scim.put('/Users/00000000-0000-0000-0000-000000000000', user('x'))).statusCode, 404)
})

t.test('If-Match: a stale version is refused with 412 on PUT, PATCH and DELETE; the current one goes through', async (t) => {
  const target = await scimOrganisation(test)
  const scim = scimClient(app, target)
  const anna = await scim.createUser('anna')
  await scim.patch(`/Users/${anna.id}`, [{ op: 'add', path: 'title', value: 'Socialsekreterare' }])
  const stale = { headers: { 'if-match': 'W/"1"' } }
  const runs = (await runsOf(app, target)).length
  for (const res of [
    await scim.put(`/Users/${anna.id}`, user('anna'), stale),
    await scim.patch(`/Users/${anna.id}`, [{ op: 'remove', path: 'title' }], stale),
    await scim.delete(`/Users/${anna.id}`, stale)
  ]) {
    t.equal(res.statusCode, 412)
    t.match(res.json(), { schemas: [ERROR], status: '412' })
  }
  t.equal((await runsOf(app, target)).length, runs, 'refused writes leave no run')
  t.equal((await scim.get(`/Users/${anna.id}`)).json().title, 'Socialsekreterare', 'and change nothing')
  const current = await scim.patch(`/Users/${anna.id}`, [{ op: 'remove', path: 'title' }], { headers: { 'if-match': 'W/"2"' } })
  t.equal(current.statusCode, 200)
  t.equal(current.json().meta.version, 'W/"3"')
  t.equal((await scim.delete(`/Users/${anna.id}`, { headers: { 'if-match': '"3"' } })).statusCode, 204, 'weak comparison: W/ or not')
})

t.test('PATCH add, replace and remove on a User', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const anna = await scim.createUser('anna', { emails: [{ value: 'anna@exempel.se', type: 'work', primary: true }] })
  const res = await scim.patch(`/Users/${anna.id}`, [
    { op: 'Add', path: 'title', value: 'Socialsekreterare' },
    { op: 'add', path: 'emails', value: [{ value: 'anna@privat.se', type: 'home' }] },
    { op: 'Replace', path: 'emails[type eq "work"].value', value: 'anna.s@exempel.se' },
    { op: 'replace', path: `${ENTERPRISE_USER_SCHEMA}:department`, value: 'Socialförvaltningen' },
    { op: 'replace', value: { displayName: 'Anna Svensson', active: 'False' } }
  ])
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), {
    title: 'Socialsekreterare',
    displayName: 'Anna Svensson',
    active: false,
    emails: [{ value: 'anna.s@exempel.se', type: 'work', primary: true }, { value: 'anna@privat.se', type: 'home' }],
    [ENTERPRISE_USER_SCHEMA]: { department: 'Socialförvaltningen' },
    meta: { version: 'W/"2"' }
  })
  t.same(res.json().schemas, [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], 'the extension URN is listed once it is used')
  const removed = await scim.patch(`/Users/${anna.id}`, [{ op: 'remove', path: 'emails[type eq "home"]' }, { op: 'remove', path: 'title' }])
  t.same(removed.json().emails, [{ value: 'anna.s@exempel.se', type: 'work', primary: true }])
  t.equal(removed.json().title, undefined)
  t.same((await scim.get(`/Users/${anna.id}`)).json(), removed.json(), 'what PATCH answers is what is stored')

  t.match((await scim.patch(`/Users/${anna.id}`, [{ op: 'remove', path: 'userName' }])).json(), { status: '400' }, 'a required attribute cannot be removed')
  t.match((await scim.patch(`/Users/${anna.id}`, [{ op: 'replace', path: 'emails[type eq', value: 'x' }])).json(), { status: '400', scimType: 'invalidPath' })
  t.match((await scim.patch(`/Users/${anna.id}`, [{ op: 'replace', path: 'id', value: 'x' }])).json(), { status: '400', scimType: 'mutability' })
  t.match((await scim.patch(`/Users/${anna.id}`, [{ op: 'move', path: 'title' }])).json(), { status: '400' })
  t.match((await scim.patch(`/Users/${anna.id}`, [{ op: 'add', path: 'emails', value: [{ type: 'other' }] }])).json(), { status: '400', scimType: 'invalidValue', detail: /value/ }, 'the patched resource must still be a valid User')
  t.match((await scim.call('PATCH', `/Users/${anna.id}`, { body: { schemas: [USER_SCHEMA], Operations: [] } })).json(), { status: '400', scimType: 'invalidValue' })
})

t.test('Groups: members by id, PATCH add and remove by members[value eq], member filters', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const anna = await scim.createUser('anna')
  const bo = await scim.createUser('bo')
  const created = await scim.post('/Groups', group('SOC-EB-Handläggare', [anna.id]))
  t.equal(created.statusCode, 201)
  const eb = created.json()
  t.match(eb, { schemas: [GROUP_SCHEMA], displayName: 'SOC-EB-Handläggare', members: [{ value: anna.id }], meta: { resourceType: 'Group', version: 'W/"1"' } })

  const added = await scim.patch(`/Groups/${eb.id}`, [{ op: 'Add', path: 'members', value: [{ value: bo.id, display: 'Bo' }, { value: anna.id.toUpperCase() }] }])
  t.equal(added.statusCode, 200)
  t.same(added.json().members.map((m: { value: string }) => m.value), [anna.id, bo.id], 'a member is listed once, its id compared case-insensitively')
  const byMember = (id: string) => scim.filter('Groups', `members[value eq "${id}"]`)
  t.same((await byMember(bo.id)).json().Resources.map((g: { id: string }) => g.id), [eb.id])
  t.same((await scim.filter('Groups', `displayName eq "soc-eb-handläggare" and members.value eq "${anna.id}"`)).json().totalResults, 1)

  const removed = await scim.patch(`/Groups/${eb.id}`, [{ op: 'Remove', path: `members[value eq "${anna.id}"]` }])
  t.same(removed.json().members, [{ value: bo.id, display: 'Bo' }])
  t.equal((await byMember(anna.id)).json().totalResults, 0)
  const emptied = await scim.patch(`/Groups/${eb.id}`, [{ op: 'replace', path: 'members', value: [] }])
  t.same(emptied.json().members ?? [], [])

  const unknown = await scim.post('/Groups', group('Okänd', ['00000000-0000-0000-0000-000000000000']))
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json(), { status: '400', scimType: 'invalidValue', detail: /no User or Group/ })
  const self = await scim.patch(`/Groups/${eb.id}`, [{ op: 'add', path: 'members', value: [{ value: eb.id }] }])
  t.match(self.json(), { status: '400', scimType: 'invalidValue' })
  const sameName = await scim.post('/Groups', group('soc-eb-HANDLÄGGARE'))
  t.equal(sameName.statusCode, 409, 'a group\'s DN is its name: two groups cannot share one')
  t.match(sameName.json(), { scimType: 'uniqueness' })
  const read = await scim.get(`/Groups/${eb.id}`)
  t.match(read.json(), { displayName: 'SOC-EB-Handläggare', meta: { version: 'W/"4"' } }, 'refused writes changed nothing')
  const replaced = await scim.put(`/Groups/${eb.id}`, group('SOC-EB-Handläggare', [anna.id, bo.id]), { headers: { 'if-match': 'W/"4"' } })
  t.equal(replaced.statusCode, 200)
  t.match(replaced.json(), { members: [{ value: anna.id }, { value: bo.id }], meta: { version: 'W/"5"' } })
  t.equal(replaced.headers.etag, 'W/"5"')
  const list = (await scim.get('/Groups')).json()
  t.equal(list.totalResults, 1)
})

t.test('DELETE removes the resource and takes a deleted user out of its groups', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test))
  const anna = await scim.createUser('anna')
  const bo = await scim.createUser('bo')
  const eb = await scim.createGroup('EB', [anna.id, bo.id])
  const deleted = await scim.delete(`/Users/${anna.id}`)
  t.equal(deleted.statusCode, 204)
  t.equal(deleted.body, '')
  const gone = await scim.get(`/Users/${anna.id}`)
  t.equal(gone.statusCode, 404)
  t.match(gone.json(), { schemas: [ERROR], status: '404' })
  const after = (await scim.get(`/Groups/${eb.id}`)).json()
  t.same(after.members, [{ value: bo.id }])
  t.equal(after.meta.version, 'W/"2"', 'the group changed, so its version moved')
  t.equal((await scim.delete(`/Users/${anna.id}`)).statusCode, 404)
  t.equal((await scim.delete(`/Groups/${eb.id}`)).statusCode, 204)
  t.equal((await scim.get('/Groups')).json().totalResults, 0)
})

t.test('errors inside /scim/v2 are SCIM errors, whatever raised them', async (t) => {
  const target = await scimOrganisation(test)
  const scim = scimClient(app, target)
  const isScimError = (res: { statusCode: number, headers: Record<string, unknown>, json: () => any }, status: number, scimType?: string) => {
    t.equal(res.statusCode, status)
    t.match(res.headers['content-type'], /^application\/scim\+json/)
    t.same(res.json().schemas, [ERROR])
    t.equal(res.json().status, String(status), 'status is a string')
    if (scimType) t.equal(res.json().scimType, scimType)
    t.type(res.json().detail, 'string')
  }
  const anonymous = await app.inject({ method: 'GET', url: `/scim/v2/${target.org}/Users` })
  isScimError(anonymous, 401)
  t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="behorig"')
  isScimError(await app.inject({ method: 'GET', url: `/scim/v2/${target.org}/Users`, headers: { authorization: 'Bearer bhk_nonsense' } }), 401)
  const withoutScope = await test.apiKeyHeaders(target.org, ['people:read', 'sources:write'])
  isScimError(await app.inject({ method: 'GET', url: `/scim/v2/${target.org}/Users`, headers: withoutScope }), 403)
  const foreign = await scimOrganisation(test)
  const foreignPost = await app.inject({ method: 'POST', url: `/scim/v2/${target.org}/Users`, headers: { ...foreign.auth, 'content-type': 'application/scim+json' }, payload: JSON.stringify(user('intruder')) })
  isScimError(foreignPost, 403)
  t.equal((await scim.get('/Users')).json().totalResults, 0, 'another organisation\'s key wrote nothing')
  isScimError(await scim.get('/Printers'), 404)
  isScimError(await scim.call('PATCH', '/ServiceProviderConfig', { body: {} }), 404)
  isScimError(await scim.post('/Users', '{"userName": '), 400, 'invalidSyntax')
  isScimError(await scim.post('/Users', user('x'), { contentType: 'text/plain' }), 415)
  isScimError(await scim.post('/Users', { schemas: [USER_SCHEMA], active: true }), 400, 'invalidValue')
  isScimError(await scim.post('/Users', user('x', { emails: 'not-a-list-of-objects' })), 400, 'invalidValue')
  isScimError(await scim.post('/Groups', { schemas: [USER_SCHEMA], displayName: 'x' }), 400, 'invalidValue')
  isScimError(await app.inject({ method: 'GET', url: '/scim/v2/1234567890/Users', headers: adminHeaders }), 400)
})

t.test('an organisation pushes to its one scim source', async (t) => {
  const org = await test.createOrganisation()
  const key = await test.apiKeyHeaders(org, ['scim'])
  const scim = scimClient(app, { org, source: 'none', auth: key })
  const refused = await scim.post('/Users', user('anna'))
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { schemas: [ERROR], status: '403', detail: /register one with POST \/v1\/organisations\/\d{10}\/sources/ })
  t.equal((await scim.get('/Users')).statusCode, 403)
  t.equal((await scim.get('/ServiceProviderConfig')).statusCode, 200, 'discovery needs no source')

  const first = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'entra', kind: 'scim' } })
  t.equal(first.statusCode, 201)
  const second = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'okta', kind: 'scim' } })
  t.equal(second.statusCode, 409)
  t.match(second.json(), { type: problemType('conflict'), detail: /already has the scim source "entra"/ })
  const hr = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'hr', kind: 'hr' } })
  t.equal(hr.statusCode, 201, 'other kinds are not limited')
  t.equal((await scim.post('/Users', user('anna'))).statusCode, 201)
})

t.test('a scim source with accept_groups false refuses Group writes with 403', async (t) => {
  const scim = scimClient(app, await scimOrganisation(test, { accept_groups: false }))
  const anna = await scim.createUser('anna')
  const refused = await scim.post('/Groups', group('EB', [anna.id]))
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { schemas: [ERROR], status: '403', detail: /accept_groups/ })
  t.equal((await scim.get('/Groups')).json().totalResults, 0)
})

t.test('each write is one push run of the source; reads create none', async (t) => {
  const target = await scimOrganisation(test)
  const scim = scimClient(app, target)
  const anna = await scim.createUser('anna', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '1' } })
  let runs = await runsOf(app, target)
  t.equal(runs.length, 1)
  t.match(runs[0], { source: target.source, trigger: 'push', state: 'succeeded', mode: 'incremental', counts: { read: 1, created: 1, ended: 0 } })
  await scim.get(`/Users/${anna.id}`)
  await scim.get('/Users')
  await scim.filter('Users', 'userName eq "anna"')
  t.equal((await runsOf(app, target)).length, 1, 'GETs leave no run')

  await scim.patch(`/Users/${anna.id}`, [{ op: 'replace', path: 'displayName', value: 'Anna' }])
  await scim.put(`/Users/${anna.id}`, user('anna', { displayName: 'Anna', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '1' } }))
  await scim.createGroup('EB', [anna.id])
  await scim.delete(`/Users/${anna.id}`)
  runs = await runsOf(app, target)
  t.equal(runs.length, 5)
  t.ok(runs.every((run) => run.trigger === 'push' && run.state === 'succeeded'))
  t.match(runs.map((run) => run.counts), [{ ended: 1 }, { read: 0 }, { unchanged: 1, updated: 0 }, { updated: 1 }, { created: 1 }], 'newest first: delete, group, unchanged PUT, PATCH, create')
})

t.test('correlation end to end: a pushed user joins the HR person, its groups reach the person', async (t) => {
  const target = await scimOrganisation(test)
  await createHrSource(app, target.org)
  const imported = await importAndWait(app, target.org, csv([
    { employee_number: '100234', given_name: 'Anna', family_name: 'Svensson', email: 'anna.svensson@exempel.se', unit_id: 'soc-eb' },
    { employee_number: '100235', given_name: 'Bo', family_name: 'Ek', unit_id: 'soc-eb' }
  ]))
  t.equal(imported.state, 'succeeded')
  const person = async (employeeNumber: string) => {
    const list = await app.inject({ method: 'GET', url: `/v1/organisations/${target.org}/people?employee_number=${employeeNumber}`, headers: adminHeaders })
    const id = list.json().items[0].id as string
    return (await app.inject({ method: 'GET', url: `/v1/organisations/${target.org}/people/${id}`, headers: adminHeaders })).json()
  }
  const groupDns = async (employeeNumber: string) => (await person(employeeNumber)).groups.map((g: { dn: string, via: string[] }) => `${g.dn} via [${g.via.join(';')}]`).sort()

  const scim = scimClient(app, target)
  const anna = await scim.createUser('anna.svensson@exempel.se', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234' } })
  const nobody = await scim.createUser('extern@konsult.se', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '999999' } })
  const eb = await scim.createGroup('SOC-EB-Handläggare', [anna.id, nobody.id])
  const ebDn = `cn=soc-eb-handläggare,ou=groups,ou=${target.source},o=scim`
  t.same(await groupDns('100234'), [`${ebDn} via []`], 'the group DN reaches the person through the correlated account')
  const runs = await runsOf(app, target)
  t.match(runs[0]?.unmatched, [{ unique_id: nobody.id, dn: `uid=${nobody.id},ou=users,ou=${target.source},o=scim`, reason: 'no-match' }], 'an account without a person is listed, not merged')

  const soc = await scim.createGroup('SOC, alla', [eb.id])
  const socDn = `cn=soc\\, alla,ou=groups,ou=${target.source},o=scim`
  t.same(await groupDns('100234'), [`${socDn} via [${ebDn}]`, `${ebDn} via []`].sort(), 'nested groups resolve, DN special characters escaped (RFC 4514)')

  await scim.patch(`/Groups/${eb.id}`, [{ op: 'replace', path: 'displayName', value: 'SOC-EB-Norr' }])
  const renamedDn = `cn=soc-eb-norr,ou=groups,ou=${target.source},o=scim`
  t.same(await groupDns('100234'), [`${socDn} via [${renamedDn}]`, `${renamedDn} via []`].sort(), 'a rename moves the DN, in the parent group too')
  const directory = await store.db.selectFrom('directory_groups').select('dn').where('organisation', '=', target.org).orderBy('dn').execute()
  t.same(directory.map((g) => g.dn), [socDn, renamedDn].sort(), 'the old DN is gone from the directory')
  t.equal((await scim.get(`/Groups/${soc.id}`)).json().meta.version, 'W/"1"', 'the parent\'s SCIM resource did not change')

  const bo = await scim.createUser('bo.ek@exempel.se', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100235' } })
  await scim.patch(`/Groups/${soc.id}`, [{ op: 'add', path: 'members', value: [{ value: bo.id }] }])
  t.same(await groupDns('100235'), [`${socDn} via []`])
  await scim.patch(`/Users/${bo.id}`, [{ op: 'replace', path: 'active', value: false }])
  t.same(await groupDns('100235'), [], 'a suspended user keeps no groups')

  await scim.delete(`/Groups/${eb.id}`)
  t.same(await groupDns('100234'), [], 'deleting the nested group takes it out of the parent')
  t.same((await scim.get(`/Groups/${soc.id}`)).json().members, [{ value: bo.id }])
  await scim.patch(`/Groups/${soc.id}`, [{ op: 'add', path: 'members', value: [{ value: anna.id }] }])
  t.same(await groupDns('100234'), [`${socDn} via []`])
  await scim.delete(`/Users/${anna.id}`)
  t.same(await groupDns('100234'), [], 'deleting the user removes its groups from the person')
  const account = await store.db.selectFrom('directory_accounts').select(['ended_at']).where('organisation', '=', target.org).where('unique_id', '=', anna.id).executeTakeFirstOrThrow()
  t.ok(account.ended_at, 'the account has ended')
})

t.test('a User\'s userName is its directory account\'s user name, and follows a PATCH and a PUT', async (t) => {
  const target = await scimOrganisation(test)
  const scim = scimClient(app, target)
  const anna = await scim.createUser('Anna.Svensson@exempelkommun.se', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234' } })
  const usernameOf = async (id: string) => (await store.db.selectFrom('directory_accounts').select('username')
    .where('organisation', '=', target.org).where('unique_id', '=', id).executeTakeFirstOrThrow()).username
  t.equal(await usernameOf(anna.id), 'Anna.Svensson@exempelkommun.se', 'as the client wrote it')
  t.equal((await scim.patch(`/Users/${anna.id}`, [{ op: 'replace', path: 'userName', value: 'anna.s@exempelkommun.se' }])).statusCode, 200)
  t.equal(await usernameOf(anna.id), 'anna.s@exempelkommun.se')
  const put = await scim.put(`/Users/${anna.id}`, user('asvensson', { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234' } }))
  t.equal(put.statusCode, 200, put.body)
  t.equal(await usernameOf(anna.id), 'asvensson')
})

t.test('PGlite: the SCIM server runs on the embedded store too', async (t) => {
  const lite = await buildTestApp(await openTestStore('pglite'))
  const target = await scimOrganisation(lite)
  const scim = scimClient(lite.app, target)
  const anna = await scim.createUser('anna@exempel.se', { emails: [{ value: 'anna@exempel.se' }] })
  const eb = await scim.createGroup('EB', [anna.id])
  t.same((await scim.filter('Users', 'emails eq "ANNA@exempel.se"')).json().Resources.map((r: { id: string }) => r.id), [anna.id])
  t.same((await scim.filter('Groups', `members[value eq "${anna.id}"]`)).json().totalResults, 1)
  t.match((await scim.patch(`/Groups/${eb.id}`, [{ op: 'remove', path: 'members' }])).json(), { meta: { version: 'W/"2"' } })
  t.match((await scim.post('/Users', user('ANNA@exempel.se'))).json(), { scimType: 'uniqueness' })
  t.equal((await scim.delete(`/Users/${anna.id}`)).statusCode, 204)
  t.equal((await runsOf(lite.app, target)).length, 4)
})
