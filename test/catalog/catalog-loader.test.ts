import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { contentHash } from '../../src/catalog/catalog-hash.js'
import { canonicalJson } from '../../src/crypto/canonical-json.js'
import { defaultCatalogDir, loadCatalogDirectory, loadCatalogFile, parseCatalogYaml } from '../../src/catalog/catalog-loader.js'
import { CATALOG_DIR, realCatalogText } from './helpers/catalog-test-data.js'
import { propertyRuns } from '../helpers/property-runs.js'

const text = realCatalogText()

t.test('the content hash ignores comments, quoting, layout and key order', async (t) => {
  const original = parseCatalogYaml('a.yaml', text).files[0]!
  const reformatted = '# reformatted by a test\n' + stringify(parse(text), { indent: 4, sortMapEntries: true, defaultStringType: 'QUOTE_DOUBLE', aliasDuplicateObjects: false })
  const asJson = JSON.stringify(parse(text))
  t.match(original.hash, /^sha256:[0-9a-f]{64}$/)
  t.equal(parseCatalogYaml('b.yaml', reformatted).files[0]?.hash, original.hash)
  t.equal(parseCatalogYaml('c.yaml', asJson).files[0]?.hash, original.hash, 'JSON is YAML too')
  t.not(parseCatalogYaml('d.yaml', text.replace('Utreder ansökningar', 'Utreder alla ansökningar')).files[0]?.hash, original.hash, 'a changed word changes the hash')
})

t.test('canonical JSON does not depend on the order keys were written in', async (t) => {
  const reversed = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reversed)
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]))
  }
  t.doesNotThrow(() => fc.assert(fc.property(fc.jsonValue(), (value) =>
    canonicalJson(reversed(value)) === canonicalJson(value) && contentHash(reversed(value)) === contentHash(value) &&
    canonicalJson(JSON.parse(canonicalJson(value))) === canonicalJson(value)), { numRuns: propertyRuns(100) }))
})

t.test('YAML errors are violations with the line they are on', async (t) => {
  const duplicate = parseCatalogYaml('x/1.0.0.yaml', 'domain: a\ndomain: b\n')
  t.same(duplicate.files, [])
  t.match(duplicate.violations, [{ file: 'x/1.0.0.yaml', pointer: '', rule: 'yaml-syntax', message: /^The file is not valid YAML: Map keys must be unique at line 2/ }])
  t.match(parseCatalogYaml('y.yaml', 'a: [1, 2\n').violations, [{ rule: 'yaml-syntax' }])
  t.match(parseCatalogYaml('z.yaml', 'a: 1\n---\na: 2\n').violations, [{ rule: 'yaml-syntax' }], 'one document per file')
})

t.test('loads <domain>/<version>.yaml in semver order and reports files out of place', async (t) => {
  const minimal = (version: string) => `domain: demo\nversion: ${version}\n`
  const dir = t.testdir({
    'README.md': '# not a catalog',
    'stray.yaml': minimal('1.0.0'),
    '.DS_Store': '',
    demo: { '1.9.0.yaml': minimal('1.9.0'), '1.10.0.yaml': minimal('1.10.0'), '1.0.yml': minimal('1.0.0'), 'notes.txt': 'x', '.1.0.0.yaml.swp': '' }
  })
  const result = await loadCatalogDirectory(dir)
  t.same(result.files.map((f) => f.file), [join(dir, 'demo', '1.9.0.yaml'), join(dir, 'demo', '1.10.0.yaml')])
  t.same(result.files[1]?.document, { domain: 'demo', version: '1.10.0' })
  t.same(result.violations.map((v) => [v.rule, v.file.slice(dir.length + 1), v.message]), [
    ['file-layout', 'demo/1.0.yml', 'This file is not a catalog file: a domain folder holds only files named <version>.yaml, such as 1.0.0.yaml.'],
    ['file-layout', 'demo/notes.txt', 'This file is not a catalog file: a domain folder holds only files named <version>.yaml, such as 1.0.0.yaml.'],
    ['file-layout', 'stray.yaml', 'This file lies outside a domain folder; move it to <domain>/<version>.yaml.']
  ])
})

t.test('a missing file is a violation, not a crash', async (t) => {
  t.same(await loadCatalogFile('/nowhere/demo/1.0.0.yaml'), { files: [], violations: [{ file: '/nowhere/demo/1.0.0.yaml', pointer: '', rule: 'file-layout', message: 'This file does not exist.' }] })
})

t.test('finds the package\'s own catalog folder', async (t) => {
  t.equal(defaultCatalogDir(), CATALOG_DIR.replace(/\/$/, ''))
})
