import t from 'tap'
import { readFileSync } from 'node:fs'
import { validate } from '@readme/openapi-parser'
import { buildTestApp, openTestStore } from '../helpers/app.js'

const store = await openTestStore()
const { app } = await buildTestApp(store)
await app.ready()

t.test('the checked-in openapi.yaml is what the code generates', async (t) => {
  const checkedIn = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')
  t.equal(checkedIn, app.swagger({ yaml: true }), 'run `npm run openapi` and commit openapi.yaml')
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
