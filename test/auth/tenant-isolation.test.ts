import t from 'tap'
import { SCOPES } from '../../src/auth/scopes.js'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)

// Walks the live route table, so every admin route added later is covered without
// editing this test: a key of organisation B, holding every scope, must never act on A.
t.test('a foreign organisation key is refused on every organisation route', async (t) => {
  const victim = await createOrganisation('Offerkommun')
  const intruder = await createOrganisation('Inkräktarkommun')
  const foreign = await apiKeyHeaders(intruder, [...SCOPES])
  const orgRoutes = app.routeSummaries.filter((r) => r.auth && 'orgParam' in r.auth)
  t.ok(orgRoutes.length >= 4, `walks ${orgRoutes.length} organisation routes`)
  for (const route of orgRoutes) {
    const url = route.url.replace(':org', victim).replace(/:[a-z_]+/g, 'x0000000000000000')
    const res = await app.inject({ method: route.method as 'GET', url, headers: { ...foreign, 'content-type': 'application/json' }, payload: ['GET', 'DELETE'].includes(route.method) ? undefined : '{}' })
    t.equal(res.statusCode, 403, `${route.method} ${route.url}`)
    if (route.url.startsWith('/scim/v2/')) {
      // SCIM clients read RFC 7644 error bodies: the same refusal, in SCIM's format.
      t.match(res.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403', detail: /its own organisation/ }, `${route.method} ${route.url}`)
    } else {
      t.equal(res.json().type, problemType('foreign-organisation'), `${route.method} ${route.url}`)
    }
    t.notOk(res.body.includes('Offerkommun'), 'no data of the other organisation')
  }
})

t.test('an organisation key is refused on every platform-admin route', async (t) => {
  const org = await createOrganisation()
  const key = await apiKeyHeaders(org, [...SCOPES])
  const adminRoutes = app.routeSummaries.filter((r) => r.auth === undefined || (r.auth !== false && 'platform' in r.auth))
  t.ok(adminRoutes.length >= 1)
  for (const route of adminRoutes) {
    const url = route.url.replace(':org', org).replace(/:[a-z_]+/g, 'x')
    const res = await app.inject({ method: route.method as 'GET', url, headers: { ...key, 'content-type': 'application/json' }, payload: ['GET', 'DELETE'].includes(route.method) ? undefined : '{}' })
    t.equal(res.statusCode, 403, `${route.method} ${route.url}`)
    t.equal(res.json().type, problemType('platform-admin-only'))
  }
})

t.test('every route states its authentication explicitly', async (t) => {
  const undeclared = app.routeSummaries.filter((r) => r.auth === undefined && !r.url.startsWith('/docs'))
  t.same(undeclared.map((r) => `${r.method} ${r.url}`), [], 'routes fall back to platform-admin, but should say so')
})
