import t from 'tap'
import type { CatalogDocument } from '../../src/catalog/catalog-types.js'
import { validateCatalogs } from '../../src/catalog/catalog-validator.js'
import { asFile, attribute, nextVersion, position, realCatalog } from './helpers/catalog-test-data.js'

const v1 = realCatalog()
const removeAdministrator = (doc: CatalogDocument) => { doc.attributes.splice(position(doc, 'socialtjanst.eb.administrator'), 1) }
const violationsOf = (...docs: CatalogDocument[]) => validateCatalogs(docs.map((d) => asFile(d)))
const rules = (...docs: CatalogDocument[]) => violationsOf(...docs).map((v) => `${v.rule} ${v.file.replace('/catalogs/', '')} ${v.pointer}`)

t.test('removing an attribute needs a major version', async (t) => {
  t.same(violationsOf(v1, nextVersion(v1, '1.1.0', removeAdministrator)), [{
    file: '/catalogs/socialtjanst/1.1.0.yaml',
    pointer: '/attributes',
    rule: 'semver-bump',
    message: 'Attribute socialtjanst.eb.administrator was removed. That needs a new major version, but 1.1.0 is only a minor step from 1.0.0.'
  }])
  t.same(violationsOf(v1, nextVersion(v1, '2.0.0', removeAdministrator)), [])
})

t.test('changing a facet needs a major version and points at the facet', async (t) => {
  const widened = nextVersion(v1, '1.0.1', (doc) => { attribute(doc, 'socialtjanst.eb.handlaggare').scope = 'organisation' })
  t.same(violationsOf(v1, widened), [{
    file: '/catalogs/socialtjanst/1.0.1.yaml',
    pointer: '/attributes/0/scope',
    rule: 'semver-bump',
    message: 'Attribute socialtjanst.eb.handlaggare changed its scope from unit to organisation, which changes who holds it. That needs a new major version, but 1.0.1 is only a patch step from 1.0.0.'
  }])
  for (const facet of ['area', 'function', 'authority_exercise'] as const) {
    const changed = nextVersion(v1, '1.1.0', (doc) => {
      const a = attribute(doc, 'socialtjanst.bu.handlaggare')
      if (facet === 'authority_exercise') a.authority_exercise = false
      else a[facet] = facet === 'area' ? 'vux' : 'arbetsledare'
    })
    t.same(rules(v1, changed), [`semver-bump socialtjanst/1.1.0.yaml /attributes/5/${facet}`], facet)
  }
})

t.test('resting on other acts needs a major version; revising a reference needs a minor one', async (t) => {
  const otherAct = (version: string) => nextVersion(v1, version, (doc) => { attribute(doc, 'socialtjanst.vnr.handlaggare').legal_basis.push({ act: 'Föräldrabalk', sfs: '1949:381' }) })
  t.same(rules(v1, otherAct('1.1.0')), [`semver-bump socialtjanst/1.1.0.yaml /attributes/${position(v1, 'socialtjanst.vnr.handlaggare')}/legal_basis`])
  t.same(rules(v1, otherAct('2.0.0')), [])
  const revised = (version: string) => nextVersion(v1, version, (doc) => { attribute(doc, 'socialtjanst.eb.handlaggare').legal_basis[1] = { act: 'Kommunallag', sfs: '2017:725', section: '6 kap. 37 §' } })
  t.match(violationsOf(v1, revised('1.0.1')), [{ rule: 'semver-bump', message: /revised legal references.*needs a new minor version/ }])
  t.same(rules(v1, revised('1.1.0')), [])
})

t.test('adding or deprecating needs a minor version; rewording a patch', async (t) => {
  const added = (version: string) => nextVersion(v1, version, (doc) => {
    doc.attributes.push({ ...structuredClone(attribute(doc, 'socialtjanst.vux.arbetsledare')), id: 'socialtjanst.vnr.arbetsledare', area: 'vnr', external: { entitlement: 'urn:behorig:entitlement:socialtjanst.vnr.arbetsledare' } })
  })
  t.match(violationsOf(v1, added('1.0.1')), [{ rule: 'semver-bump', message: 'Attribute socialtjanst.vnr.arbetsledare was added. That needs a new minor version, but 1.0.1 is only a patch step from 1.0.0.' }])
  t.same(rules(v1, added('1.1.0')), [])
  const deprecated = nextVersion(v1, '1.0.1', (doc) => { Object.assign(attribute(doc, 'socialtjanst.eb.administrator'), { status: 'deprecated', replaced_by: 'socialtjanst.eb.handlaggare' }) })
  t.match(violationsOf(v1, deprecated), [{ rule: 'semver-bump', message: /was deprecated in favour of socialtjanst.eb.handlaggare. That needs a new minor version/ }])
  const reworded = nextVersion(v1, '1.0.1', (doc) => { attribute(doc, 'socialtjanst.eb.handlaggare').label.en = 'Financial assistance caseworker' })
  t.same(rules(v1, reworded), [])
})

t.test('the same content under a higher version is fine', async (t) => {
  t.same(rules(v1, nextVersion(v1, '1.0.1'), nextVersion(v1, '3.0.0')), [])
})

t.test('versions of a domain only go up, in the order given', async (t) => {
  const v11 = nextVersion(v1, '1.1.0')
  t.same(violationsOf(v11, v1), [{
    file: '/catalogs/socialtjanst/1.0.0.yaml',
    pointer: '/version',
    rule: 'version-order',
    message: 'Version 1.0.0 follows version 1.1.0 (/catalogs/socialtjanst/1.1.0.yaml) but is not higher; the versions of a domain only go up.'
  }])
  const twin = validateCatalogs([asFile(v1, '/a'), asFile(v1, '/b')])
  t.same(twin.map((v) => [v.rule, v.file]), [['version-order', '/b/socialtjanst/1.0.0.yaml']])
  t.same(validateCatalogs([asFile(v1), asFile(realCatalog('skola', '0.1.0'))]), [], 'domains have separate histories')
})

t.test('an id that was removed never comes back', async (t) => {
  const v2 = nextVersion(v1, '2.0.0', removeAdministrator)
  const v3 = nextVersion(v1, '3.0.0')
  t.same(violationsOf(v1, v2, v3), [{
    file: '/catalogs/socialtjanst/3.0.0.yaml',
    pointer: `/attributes/${position(v1, 'socialtjanst.eb.administrator')}/id`,
    rule: 'id-reused',
    message: 'The id socialtjanst.eb.administrator was removed after version 1.0.0; a removed id is never used again, so give this attribute a new id.'
  }])
})

t.test('a 0.x draft may make breaking changes in a minor step, not in a patch', async (t) => {
  const draft = realCatalog('skola', '0.1.0')
  const drop = (doc: CatalogDocument) => { doc.attributes.pop() }
  t.same(rules(draft, nextVersion(draft, '0.2.0', drop)), [])
  t.match(violationsOf(draft, nextVersion(draft, '0.1.1', drop)), [{ rule: 'semver-bump', message: /That needs a new minor version, but 0.1.1 is only a patch step from 0.1.0/ }])
})

t.test('a document with a broken shape is reported but not compared', async (t) => {
  const shapeless = nextVersion(v1, '1.1.0', (doc) => { (doc as Partial<CatalogDocument>).attributes = undefined })
  t.same(rules(v1, shapeless), ['schema socialtjanst/1.1.0.yaml /attributes'])
})
