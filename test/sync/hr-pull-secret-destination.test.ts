/**
 * An HR pull source's bearer token and headers go only to the server they were given for:
 * a key that may write sources but not read their secrets points the source at an HTTPS
 * server it runs, and that server never sees them.
 */
import t, { type Test } from 'tap'
import { createServer, type Server } from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { csv, staff, waitForRun } from '../helpers/sync.js'
import { selfSignedCertificate } from '../helpers/self-signed-certificate.js'

const { key, cert } = selfSignedCertificate(t, 'hr.exempel.se')
const TOKEN = 'hr-export-token-7f3a'
const API_KEY = 'hr-api-key-91bc'

/** An HTTPS server that keeps the headers of every request and serves the export to the right token. */
async function hrServer (): Promise<{ url: string, requests: IncomingHttpHeaders[] }> {
  const requests: IncomingHttpHeaders[] = []
  const server: Server = createServer({ key, cert }, (req, res) => {
    requests.push(req.headers)
    if (req.headers.authorization !== `Bearer ${TOKEN}`) { res.writeHead(401).end(); return }
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(csv(staff(3)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/export.csv`, requests }
}

const hr = await hrServer()
const foreign = await hrServer()
const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store, allowLoopbackFetch)

async function pull (t: Test, org: string, headers: { authorization: string }) {
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/heroma/sync`, headers })
  t.equal(res.statusCode, 202, res.body)
  return waitForRun(app, org, res.json().run_id)
}

t.test('a new url without the token and headers clears them, and the new server never receives them', async (t) => {
  const org = await createOrganisation()
  const secrets = { bearer_token: TOKEN, headers: { 'X-Api-Key': API_KEY } }
  const created = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'heroma', kind: 'hr', config: { url: hr.url, ca_pem: cert, ...secrets } } })
  t.equal(created.statusCode, 201, created.body)
  t.match(await pull(t, org, adminHeaders), { state: 'succeeded' })

  const writer = await apiKeyHeaders(org, ['sources:write'])
  const moved = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/sources/heroma`, headers: writer, payload: { kind: 'hr', config: { url: foreign.url, ca_pem: cert } } })
  t.equal(moved.statusCode, 200, moved.body)
  t.same(moved.json().secrets_configured, [])
  t.match(await pull(t, org, writer), { state: 'failed', error: { detail: /answered 401/ } })
  t.ok(foreign.requests.length > 0, 'the run asked the new server')
  const seen = JSON.stringify(foreign.requests)
  t.notOk(seen.includes(TOKEN) || seen.includes(API_KEY), 'neither the token nor the header reached the new server')

  const audit = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/audit?action=source.updated`, headers: adminHeaders })
  t.match(audit.json().items, [{ details: { source: 'heroma', secrets_cleared: ['bearer_token', 'headers'] } }])
  t.notOk(audit.body.includes(TOKEN) || audit.body.includes(API_KEY))

  const resent = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}/sources/heroma`, headers: adminHeaders, payload: { kind: 'hr', config: { url: foreign.url, ca_pem: cert, ...secrets } } })
  t.same(resent.json().secrets_configured, ['bearer_token', 'headers'], 'sent again with the new url, they are kept')
  t.match(await pull(t, org, adminHeaders), { state: 'succeeded' })
  t.match(foreign.requests.at(-1), { authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY })
})

t.test('a new path on the same server, a schedule or a format keeps the token', async (t) => {
  const org = await createOrganisation()
  await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'heroma', kind: 'hr', config: { url: hr.url, ca_pem: cert, bearer_token: TOKEN } } })
  const res = await app.inject({
    method: 'PUT',
    url: `/v1/organisations/${org}/sources/heroma`,
    headers: adminHeaders,
    payload: { kind: 'hr', schedule: '0 5 * * *', safety: { max_end_percent: 50 }, config: { url: hr.url.replace('/export.csv', '/export.csv?v=2'), ca_pem: cert, format: 'csv' } }
  })
  t.same(res.json().secrets_configured, ['bearer_token'])
  t.match(await pull(t, org, adminHeaders), { state: 'succeeded' })
})
