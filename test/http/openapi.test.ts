import t from 'tap'
import { readFileSync } from 'node:fs'
import { validate } from '@readme/openapi-parser'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { identityProviderJsonSchema } from '../../src/identity-providers/document-schema.js'

const store = await openTestStore()
const { app } = await buildTestApp(store)
await app.ready()

t.test('the checked-in openapi.yaml is what the code generates', async (t) => {
  const checkedIn = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')
  t.equal(checkedIn, app.swagger({ yaml: true }), 'run `npm run openapi` and commit openapi.yaml')
  t.notMatch(checkedIn, /: [*&]a\d+\b/, 'no YAML anchors or aliases')
})

t.test('schemas/identity-provider.schema.json is the identity-provider route\'s body schema', async (t) => {
  const checkedIn = readFileSync(new URL('../../schemas/identity-provider.schema.json', import.meta.url), 'utf8')
  t.equal(checkedIn, JSON.stringify(identityProviderJsonSchema(), null, 2) + '\n', 'run `npm run openapi` and commit schemas/identity-provider.schema.json')
})

t.test('the generated document is valid OpenAPI 3.1', async (t) => {
  const result = await validate(structuredClone(app.swagger()) as never)
  t.equal(result.valid, true, JSON.stringify(result.valid ? [] : result.errors))
})

t.test('/openapi.json and /docs are served without credentials', async (t) => {
  const json = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(json.statusCode, 200)
  t.equal(json.json().openapi, '3.1.0')
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
})

t.test('non-public operations declare bearer security', async (t) => {
  const doc = app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> }
  t.same(doc.paths['/v1/organisations']?.['get']?.security, [{ bearer: [] }])
  t.same(doc.paths['/health/ready']?.['get']?.security, [])
})

type Media = { example?: unknown, examples?: unknown }
type Operation = { operationId?: string, summary?: string, description?: string, tags?: string[], requestBody?: { content: Record<string, Media> }, responses: Record<string, { description: string, content?: Record<string, Media> }> }
type Document = { servers?: { url: string }[], tags?: { name: string, description?: string }[], paths: Record<string, Record<string, Operation>> }

function operations (doc: Document): Array<[string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]))
}

const hasExample = (media: Media) => media.example !== undefined || (media.examples !== undefined && Object.keys(media.examples as object).length > 0)

t.test('every operation has an operationId, a summary, a description of its own and a declared tag', async (t) => {
  const doc = app.swagger() as unknown as Document
  const declared = (doc.tags ?? []).map((tag) => tag.name)
  const ids = new Map<string, string>()
  for (const [where, op] of operations(doc)) {
    t.match(op.operationId, /^[a-z][A-Za-z0-9]+$/, `${where}: operationId, camelCase`)
    if (op.operationId) {
      t.notOk(ids.has(op.operationId), `${where}: operationId ${op.operationId} also used by ${ids.get(op.operationId)}`)
      ids.set(op.operationId, where)
    }
    t.ok(op.summary, `${where}: summary`)
    // The last paragraph is the auth sentence the transform adds; a description of the route's own comes before it.
    t.ok((op.description ?? '').split('\n\n').slice(0, -1).join('').trim(), `${where}: description`)
    t.equal(op.tags?.length, 1, `${where}: one tag`)
    t.ok(declared.includes(op.tags?.[0] ?? ''), `${where}: tag ${op.tags?.[0]} is declared at the top`)
  }
})

t.test('every request body and success response carries an example, and every response a description of its own', async (t) => {
  for (const [where, op] of operations(app.swagger() as unknown as Document)) {
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) t.ok(hasExample(media), `${where}: request ${type} example`)
    for (const [status, response] of Object.entries(op.responses)) {
      t.not(response.description, 'Default Response', `${where}: ${status} description`)
      if (!status.startsWith('2')) continue
      for (const [type, media] of Object.entries(response.content ?? {})) t.ok(hasExample(media), `${where}: ${status} ${type} example`)
    }
  }
})

t.test('tags are declared with a description, in the order the paths follow them', async (t) => {
  const doc = app.swagger() as unknown as Document
  const declared = (doc.tags ?? []).map((tag) => tag.name)
  t.ok(declared.length > 0, 'top-level tags')
  for (const tag of doc.tags ?? []) t.ok(tag.description, `tag ${tag.name} has a description`)
  const used = [...new Set(operations(doc).map(([, op]) => op.tags?.[0] ?? ''))]
  t.same(used, declared.filter((name) => used.includes(name)), 'paths appear in the order of the declared tags')
})

t.test('servers names the issuer', async (t) => {
  const doc = app.swagger() as unknown as Document
  t.same(doc.servers?.map((s) => s.url), ['http://127.0.0.1:3000'], 'the default issuer, so openapi.yaml does not depend on the environment')
  const other = await buildTestApp(store, { BEHORIG_ISSUER: 'https://behorig.exempelkommun.se' })
  const served = await other.app.inject({ method: 'GET', url: '/openapi.json' })
  t.same((served.json() as Document).servers?.map((s) => s.url), ['https://behorig.exempelkommun.se'])
})
