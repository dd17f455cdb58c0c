import t from 'tap'
import { CatalogIndex } from '../../src/catalog/catalog-index.js'
import { contentHash } from '../../src/catalog/catalog-hash.js'
import type { CatalogDocument, CatalogEntry } from '../../src/catalog/catalog-types.js'
import { ProblemError } from '../../src/http/problem.js'
import { fixtureCatalog, realCatalog } from './helpers/catalog-test-data.js'

const entry = (document: CatalogDocument): CatalogEntry => ({ file: `${document.domain}/${document.version}.yaml`, document, hash: contentHash(document) })
// Given out of order on purpose: the index sorts by semver.
const index = CatalogIndex.fromEntries([entry(fixtureCatalog('socialtjanst/1.1.0.yaml')), entry(realCatalog('skola', '0.1.0')), entry(realCatalog())])

function caught (fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

t.test('summarises each domain with its versions oldest first and its latest', async (t) => {
  t.same(index.domains(), [
    { domain: 'skola', versions: ['0.1.0'], latest: '0.1.0', attributes: 7 },
    { domain: 'socialtjanst', versions: ['1.0.0', '1.1.0'], latest: '1.1.0', attributes: 33 }
  ])
  t.equal(index.entry('socialtjanst', 'latest').document.version, '1.1.0')
  t.equal(index.entry('socialtjanst', '1.0.0').document.attributes.length, 31)
  t.match(index.latest('skola').hash, /^sha256:/)
})

t.test('looks up one attribute, in the latest version unless told otherwise', async (t) => {
  const latest = index.attribute('socialtjanst.eb.administrator')
  t.match(latest, { domain: 'socialtjanst', version: '1.1.0', attribute: { status: 'deprecated', replaced_by: 'socialtjanst.eb.utbetalningsadministrator' } })
  t.match(index.attribute('socialtjanst.eb.administrator', '1.0.0'), { version: '1.0.0', attribute: { status: 'active' } })
  t.equal(index.view('socialtjanst', '1.0.0')?.attribute('socialtjanst.eb.handlaggare')?.scope, 'unit')
  t.equal(index.view('socialtjanst', '1.0.0')?.attribute('socialtjanst.vnr.arbetsledare'), undefined)
  t.equal(index.view('socialtjanst', '9.9.9'), undefined)
})

t.test('answers unknown domains, versions and attributes with 404 problems', async (t) => {
  const cases: Array<[() => unknown, string, RegExp]> = [
    [() => index.versions('skolan'), 'unknown-catalog-domain', /no catalog for the domain skolan; there are: skola, socialtjanst/],
    [() => index.entry('socialtjanst', '2.0.0'), 'unknown-catalog-version', /has no version 2.0.0; it has 1.0.0, 1.1.0/],
    [() => index.attribute('socialtjanst.vnr.arbetsledare', '1.0.0'), 'unknown-catalog-attribute', /no attribute socialtjanst.vnr.arbetsledare in version 1.0.0 of the catalog socialtjanst/],
    [() => index.attribute('halsa.vard.lakare'), 'unknown-catalog-attribute', /there is no domain halsa/]
  ]
  for (const [lookup, slug, detail] of cases) {
    const error = caught(lookup)
    t.type(error, ProblemError, slug)
    t.match(error, { definition: { slug, status: 404 }, detail }, slug)
  }
})

t.test('refuses the same version twice', async (t) => {
  t.throws(() => CatalogIndex.fromEntries([entry(realCatalog()), entry(realCatalog())]), /socialtjanst 1.0.0 given twice/)
})
