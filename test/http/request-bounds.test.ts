import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource } from '../helpers/sync.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store)
const org = await createOrganisation()

const cursorOf = (key: unknown): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')

/** Every list route that pages with a cursor. */
const LISTS = [
  '/v1/organisations',
  `/v1/organisations/${org}/units`,
  `/v1/organisations/${org}/people`,
  `/v1/organisations/${org}/mappings`,
  `/v1/organisations/${org}/sync-runs`,
  `/v1/organisations/${org}/audit`,
  `/v1/organisations/${org}/people/${randomUUID()}/disclosures`,
  '/v1/audit/platform',
  '/v1/audit/checkpoints',
  '/v1/relying-parties'
]

const CRAFTED = {
  'not base64url': '!!!',
  'too long': 'A'.repeat(201),
  'a number past 2^53': cursorOf(2 ** 53),
  'a fraction': cursorOf(1.5),
  'a negative number': cursorOf(-1),
  'NUL in text': cursorOf('a\u0000b'),
  'an object': cursorOf({ id: 'x' }),
  'not JSON': Buffer.from('{', 'utf8').toString('base64url')
}

t.test('a crafted cursor is a 400 problem pointing at the cursor on every list, never a 500', async (t) => {
  for (const url of LISTS) {
    for (const [what, cursor] of Object.entries(CRAFTED)) {
      assertCursorRefused(t, await app.inject({ method: 'GET', url: `${url}?cursor=${encodeURIComponent(cursor)}`, headers: adminHeaders }), `${url}: ${what}`)
    }
  }
  // Lists keyed by a PostgreSQL integer column refuse what the column cannot hold.
  for (const url of [`/v1/organisations/${org}/mappings`, `/v1/organisations/${org}/sync-runs/${await queuedRun()}/quarantine`]) {
    assertCursorRefused(t, await app.inject({ method: 'GET', url: `${url}?cursor=${cursorOf(2147483648)}`, headers: adminHeaders }), `${url}: past int4`)
  }
})

function assertCursorRefused (t: Test, res: Awaited<ReturnType<typeof app.inject>>, what: string): void {
  t.equal(res.statusCode, 400, what)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { type: problemType('validation-failed'), errors: [{ pointer: '/cursor', location: 'query' }] }, what)
}

/** A run of an HR source with one upload, for its quarantine list. */
async function queuedRun (): Promise<string> {
  await createHrSource(app, org)
  const upload = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/hr/imports`, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: { units: [], employments: [] } })
  if (upload.statusCode !== 202) throw new Error(`the upload failed: ${upload.body}`)
  return upload.json().run_id as string
}

t.test('a cursor a list returned still pages it', async (t) => {
  await createOrganisation('Första')
  await createOrganisation('Andra')
  const first = await app.inject({ method: 'GET', url: '/v1/organisations?limit=1', headers: adminHeaders })
  const cursor = first.json().next_cursor as string
  t.match(cursor, /^[A-Za-z0-9_-]+$/)
  const second = await app.inject({ method: 'GET', url: `/v1/organisations?limit=1&cursor=${cursor}`, headers: adminHeaders })
  t.equal(second.statusCode, 200)
  t.not(second.json().items[0].number, first.json().items[0].number)
})

t.test('an integer path parameter beyond PostgreSQL integer is a 400 problem pointing at it', async (t) => {
  const requests = [
    { method: 'GET' as const, url: `/v1/organisations/${org}/mappings/2147483648` },
    { method: 'POST' as const, url: `/v1/organisations/${org}/mappings/2147483648/preview` },
    { method: 'POST' as const, url: `/v1/organisations/${org}/mappings/2147483648/publish` },
    { method: 'GET' as const, url: `/v1/organisations/${org}/mappings/99999999999999999999` },
    { method: 'GET' as const, url: '/status-lists/2147483648' }
  ]
  for (const request of requests) {
    const res = await app.inject({ ...request, headers: adminHeaders })
    t.equal(res.statusCode, 400, `${request.method} ${request.url}`)
    t.match(res.json(), { type: problemType('validation-failed'), errors: [{ location: 'path' }] }, request.url)
  }
  const largest = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings/2147483647`, headers: adminHeaders })
  t.equal(largest.statusCode, 404, 'the largest int4 is a version that does not exist')
})
