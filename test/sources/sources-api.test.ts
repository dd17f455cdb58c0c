import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)

const ldap = {
  id: 'ad',
  kind: 'ldap',
  schedule: '*/15 * * * *',
  safety: { max_end_percent: 10 },
  config: {
    url: 'ldaps://dc1.exempel.se',
    bind_dn: 'cn=behorig,ou=service,dc=exempel,dc=se',
    bind_password: 'Hemligt-Lösen-123',
    user_base_dn: 'ou=people,dc=exempel,dc=se',
    user_filter: '(objectClass=inetOrgPerson)',
    group_base_dn: 'ou=groups,dc=exempel,dc=se',
    group_filter: '(objectClass=groupOfNames)',
    attributes: { employee_number: 'employeeNumber', email: 'mail', unique_id: 'entryUUID', display_name: 'displayName' },
    page_size: 1000
  }
}

t.test('registers the DESIGN.md LDAP source, never showing its password, and seals it at rest', async (t) => {
  const org = await createOrganisation()
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: ldap })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { id: 'ad', kind: 'ldap', schedule: '*/15 * * * *', secrets_configured: ['bind_password'] })
  t.notOk(res.body.includes('Hemligt'), 'not in the response')
  const row = await store.db.selectFrom('sources').selectAll().where('organisation', '=', org).executeTakeFirstOrThrow()
  t.notOk(JSON.stringify(row).includes('Hemligt'), 'not in the store in clear')
  t.match(row.secrets, /^v1\./)
  const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sources`, headers: adminHeaders })
  t.notOk(list.body.includes('Hemligt'))
  const runtime = await app.behorig.sources.runtime(org, 'ad')
  t.equal(runtime?.maxEndPercent, 10)
})

t.test('a replacement that omits the secret keeps the stored one', async (t) => {
  const org = await createOrganisation()
  await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: ldap })
  const { bind_password: _, ...withoutSecret } = ldap.config
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/sources/ad`, headers: adminHeaders, payload: { ...ldap, config: { ...withoutSecret, page_size: 500 } } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { config: { page_size: 500 }, secrets_configured: ['bind_password'] })
})

t.test('refuses a bad source config with pointers', async (t) => {
  const org = await createOrganisation()
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { ...ldap, schedule: 'every minute', config: { ...ldap.config, url: 'http://dc1' } } })
  t.equal(res.statusCode, 422)
  t.equal(res.json().type, problemType('source-config-invalid'))
  const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer)
  t.ok(pointers.includes('/schedule'), pointers.join(' '))
  t.ok(pointers.some((p: string) => p.startsWith('/config/url')), pointers.join(' '))
})

t.test('a duplicate id conflicts, an unknown one is 404, delete removes it', async (t) => {
  const org = await createOrganisation()
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'hr', kind: 'hr' } })).statusCode, 201)
  const dup = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'hr', kind: 'hr' } })
  t.equal(dup.statusCode, 409)
  t.equal(dup.json().type, problemType('conflict'))
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sources/nope`, headers: adminHeaders })).json().type, problemType('unknown-source'))
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/sources/hr`, headers: adminHeaders })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sources/hr`, headers: adminHeaders })).statusCode, 404)
})

t.test('a push-only source cannot be pulled', async (t) => {
  const org = await createOrganisation()
  await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'hr', kind: 'hr' } })
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/hr/sync`, headers: adminHeaders })
  t.equal(res.statusCode, 409)
  t.equal(res.json().type, problemType('source-cannot-pull'))
})

t.test('organisation keys need the sources scopes', async (t) => {
  const org = await createOrganisation()
  const reader = await apiKeyHeaders(org, ['sources:read'])
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: reader, payload: { id: 'hr', kind: 'hr' } })).statusCode, 403)
  const writer = await apiKeyHeaders(org, ['sources:write'])
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: writer, payload: { id: 'hr', kind: 'hr' } })).statusCode, 201)
  t.equal((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sources`, headers: reader })).statusCode, 200)
})
