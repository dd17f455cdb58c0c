import t from 'tap'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../helpers/app.js'
import { defaultCatalogDir } from '../../src/catalog/catalog-loader.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
// A catalog folder of this test's own, a copy of the shipped one, so a test can change a published file.
const dir = t.testdir()
cpSync(defaultCatalogDir(), dir, { recursive: true })
const { app } = await buildTestApp(store, { BEHORIG_CATALOG_DIR: dir })

t.test('lists domains, versions and the latest without credentials', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/catalog' })
  t.equal(res.statusCode, 200)
  t.match(res.json().domains, [
    { domain: 'representation', versions: ['1.0.0'], latest: '1.0.0' },
    { domain: 'skola', versions: ['0.1.0', '0.2.0'], latest: '0.2.0' },
    { domain: 'socialtjanst', versions: ['1.0.0', '1.1.0'], latest: '1.1.0' }
  ])
})

t.test('serves a version as JSON or YAML, with strong ETags and 304', async (t) => {
  const json = await app.inject({ method: 'GET', url: '/v1/catalog/socialtjanst/1.0.0' })
  t.equal(json.statusCode, 200)
  t.match(json.json(), { domain: 'socialtjanst', version: '1.0.0' })
  t.ok(json.json().attributes.length >= 30)
  t.match(json.headers.etag, /^"[A-Za-z0-9_-]+"$/)
  t.equal(json.headers['cache-control'], 'public, max-age=31536000, immutable')

  const yaml = await app.inject({ method: 'GET', url: '/v1/catalog/socialtjanst/1.0.0', headers: { accept: 'application/yaml' } })
  t.match(yaml.headers['content-type'], /application\/yaml/)
  t.same(parse(yaml.body), json.json(), 'the same content')
  t.not(yaml.headers.etag, json.headers.etag, 'each representation has its own tag')

  const again = await app.inject({ method: 'GET', url: '/v1/catalog/socialtjanst/1.0.0', headers: { 'if-none-match': String(json.headers.etag) } })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  const stale = await app.inject({ method: 'GET', url: '/v1/catalog/socialtjanst/1.0.0', headers: { 'if-none-match': '"something-else"' } })
  t.equal(stale.statusCode, 200)
})

t.test('latest follows the newest version and is cached briefly', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/catalog/socialtjanst/latest' })
  t.equal(res.json().version, '1.1.0')
  t.equal(res.headers['cache-control'], 'public, max-age=300')
})

t.test('serves a single attribute', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/catalog/socialtjanst/1.0.0/attributes/socialtjanst.eb.handlaggare' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { domain: 'socialtjanst', version: '1.0.0', attribute: { id: 'socialtjanst.eb.handlaggare', scope: 'unit', status: 'active' } })
})

t.test('diffs two versions', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/catalog/socialtjanst/diff?from=1.0.0&to=1.1.0' })
  t.equal(res.statusCode, 200)
  const diff = res.json()
  t.match(diff, { domain: 'socialtjanst', from: '1.0.0', to: '1.1.0', required_bump: 'minor', removed: [] })
  t.match(diff.deprecated, [{ id: 'socialtjanst.statsbidrag.ombud', replaced_by: 'representation.statsbidrag.ombud-socialstyrelsen' }, { id: 'socialtjanst.statsbidrag.representant', replaced_by: null }, { id: 'socialtjanst.statsbidrag.uppgiftssamordnare', replaced_by: null }])
  t.match(diff.references, [{ act: 'Kommunallag', to: 'Kommunallag (2017:725) 6 kap. 37–40 §§, 7 kap. 5–8 §§' }])
})

t.test('unknown domain, version and attribute are 404 problems', async (t) => {
  for (const [url, type] of [
    ['/v1/catalog/halsa/1.0.0', 'unknown-catalog-domain'],
    ['/v1/catalog/socialtjanst/9.9.9', 'unknown-catalog-version'],
    ['/v1/catalog/socialtjanst/1.0.0/attributes/socialtjanst.eb.trollkarl', 'unknown-catalog-attribute'],
    ['/v1/catalog/socialtjanst/1.0.0/attributes/skola.rektor', 'unknown-catalog-attribute']
  ] as const) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().type, problemType(type), url)
  }
})

t.test('records each served version, and refuses to start when a published version changed', async (t) => {
  const rows = await store.db.selectFrom('catalog_versions').select(['domain', 'version', 'hash']).orderBy('domain').orderBy('version').execute()
  t.same(rows.map((r) => `${r.domain}@${r.version}`), ['representation@1.0.0', 'skola@0.1.0', 'skola@0.2.0', 'socialtjanst@1.0.0', 'socialtjanst@1.1.0'])
  t.match(rows[3]!.hash, /^sha256:/)

  const file = join(dir, 'socialtjanst', '1.0.0.yaml')
  const original = readFileSync(file, 'utf8')
  writeFileSync(file, original.replace(/label:\n(\s+)sv: ([^\n]+)/, 'label:\n$1sv: $2 (ändrad)'))
  t.teardown(() => writeFileSync(file, original))
  const err = await buildApp(testConfig({ BEHORIG_CATALOG_DIR: dir }), { store }).then(() => undefined, (e: unknown) => e) as { definition?: { slug: string }, message: string }
  t.equal(err?.definition?.slug, 'published-catalog-changed')
  t.match(err.message, /1\.0\.0 of socialtjanst was published/)
})
