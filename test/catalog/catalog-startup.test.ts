import t from 'tap'
import { loadCatalogDirectory } from '../../src/catalog/catalog-loader.js'
import { assertPublicationsUnchanged, changedPublications } from '../../src/catalog/catalog-publication.js'
import { loadCatalogIndex } from '../../src/catalog/catalog-startup.js'
import type { CatalogEntry } from '../../src/catalog/catalog-types.js'
import { realCatalogText } from './helpers/catalog-test-data.js'

t.test('start-up builds the index from the package\'s catalogs', async (t) => {
  const index = await loadCatalogIndex()
  t.same(index.domains().map((d) => `${d.domain} ${d.latest}`), ['representation 1.0.0', 'skola 0.2.0', 'socialtjanst 1.1.0'])
})

t.test('start-up refuses a broken catalog with one invalid-catalog problem listing every violation', async (t) => {
  const dir = t.testdir({
    socialtjanst: {
      '1.0.0.yaml': realCatalogText(),
      '1.0.1.yaml': realCatalogText().replace('version: 1.0.0', 'version: 1.0.1').replace('area: eb\n', 'area: ekb\n')
    }
  })
  const error = await loadCatalogIndex(dir).then(() => undefined, (e: unknown) => e)
  t.match(error, {
    definition: { slug: 'invalid-catalog', status: 422 },
    detail: /^2 problems in 1 catalog file: .*1\.0\.1\.yaml \/attributes\/0\/area: Attribute socialtjanst.eb.handlaggare uses the area "ekb"/,
    errors: [
      { pointer: '/attributes/0/area', detail: /1\.0\.1\.yaml: Attribute socialtjanst.eb.handlaggare uses the area "ekb"/ },
      { pointer: '/attributes/0/area', detail: /changed its area from eb to ekb, which changes who holds it. That needs a new major version/ }
    ]
  })
  t.same((error as { extensions: { violations: Array<{ rule: string }> } }).extensions.violations.map((v) => v.rule), ['unknown-area', 'semver-bump'])
})

t.test('published means frozen: a changed or missing version is reported by name', async (t) => {
  const dir = t.testdir({ socialtjanst: { '1.0.0.yaml': realCatalogText() } })
  const entries = (await loadCatalogDirectory(dir)).files as CatalogEntry[]
  const hash = entries[0]!.hash
  t.same(changedPublications(entries, [{ domain: 'socialtjanst', version: '1.0.0', hash }]), [], 'unchanged content passes')
  const changed = changedPublications(entries, [{ domain: 'socialtjanst', version: '1.0.0', hash: 'sha256:00' }])
  t.same(changed, [{ file: entries[0]!.file, pointer: '', rule: 'published-changed', message: `Version 1.0.0 of socialtjanst was published with content sha256:00, but the file now has ${hash}. Published means frozen: put the change in a new version.` }])
  t.match(changedPublications(entries, [{ domain: 'skola', version: '0.1.0', hash }]), [{ file: 'skola/0.1.0.yaml', message: /was published, but no catalog file holds it any more/ }])
  const thrown = (() => {
    try {
      assertPublicationsUnchanged(entries, [{ domain: 'socialtjanst', version: '1.0.0', hash: 'sha256:00' }])
    } catch (error) {
      return error
    }
  })()
  t.match(thrown, { definition: { slug: 'published-catalog-changed', status: 409 }, detail: /^Version 1.0.0 of socialtjanst was published .* Published means frozen/ })
  t.doesNotThrow(() => assertPublicationsUnchanged(entries, [{ domain: 'socialtjanst', version: '1.0.0', hash }]))
})
