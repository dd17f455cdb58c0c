import fc from 'fast-check'
import t from 'tap'
import type { CatalogDocument } from '../../src/catalog/catalog-types.js'
import { validateCatalogDocument, validateCatalogs } from '../../src/catalog/catalog-validator.js'
import { attribute, position, realCatalog } from './helpers/catalog-test-data.js'
import { propertyRuns } from '../helpers/property-runs.js'

const FILE = '/catalogs/socialtjanst/1.0.0.yaml'

function broken (change: (doc: CatalogDocument) => void): ReturnType<typeof validateCatalogDocument> {
  const doc = realCatalog()
  change(doc)
  return validateCatalogDocument({ file: FILE, document: doc })
}

t.test('the unchanged social-services catalog has no violations', async (t) => {
  t.same(validateCatalogDocument({ file: FILE, document: realCatalog() }), [])
})

t.test('refuses a duplicate id, pointing at the second use', async (t) => {
  const violations = broken((doc) => { doc.attributes[5]!.id = 'socialtjanst.eb.handlaggare' })
  t.same(violations, [{
    file: FILE,
    pointer: '/attributes/5/id',
    rule: 'duplicate-id',
    message: 'The id socialtjanst.eb.handlaggare is used by attributes 1 and 6; every attribute needs its own id.'
  }, {
    file: FILE,
    pointer: '/attributes/5/external/entitlement',
    rule: 'entitlement-mismatch',
    message: `Attribute socialtjanst.eb.handlaggare has the entitlement urn:behorig:entitlement:${realCatalog().attributes[5]!.id}; a behorig entitlement URN is urn:behorig:entitlement:socialtjanst.eb.handlaggare.`
  }])
})

t.test('refuses badly formed ids with a hint at the right form', async (t) => {
  for (const id of ['Socialtjanst.EB.Handlaggare', 'socialtjanst', 'socialtjanst..eb', 'socialtjänst.eb.handlaggare', 'socialtjanst.eb.handläggare']) {
    const violations = broken((doc) => { doc.attributes[0]!.id = id })
    t.same(violations.map((v) => [v.rule, v.pointer]), [['id-format', '/attributes/0/id']], id)
    t.match(violations[0]?.message, `Attribute ${id}: "${id}" is not a well-formed attribute id`)
  }
})

t.test('refuses an id outside the catalog\'s domain', async (t) => {
  const violations = broken((doc) => {
    doc.attributes[0]!.id = 'skola.eb.handlaggare'
    delete doc.attributes[0]!.external
  })
  t.same(violations, [{ file: FILE, pointer: '/attributes/0/id', rule: 'id-domain', message: 'The id skola.eb.handlaggare does not start with "socialtjanst.", the domain of this catalog.' }])
})

t.test('refuses an area or function code the catalog does not list', async (t) => {
  const violations = broken((doc) => {
    doc.attributes[0]!.area = 'ekb'
    doc.attributes[1]!.function = 'socialsekreterare'
  })
  t.same(violations.map((v) => [v.rule, v.pointer]), [['unknown-area', '/attributes/0/area'], ['unknown-function', '/attributes/1/function']])
  t.equal(violations[0]?.message, 'Attribute socialtjanst.eb.handlaggare uses the area "ekb", which is not in this catalog\'s areas (eb, bu, vux, vnr, fr, aldre, fn, jour, mott).')
})

t.test('refuses a code listed twice', async (t) => {
  const violations = broken((doc) => { doc.functions.push(structuredClone(doc.functions[0]!)) })
  t.same(violations.map((v) => [v.rule, v.pointer]), [['duplicate-code', `/functions/${realCatalog().functions.length}/code`]])
})

t.test('a replacement in the same domain must be an active attribute of the same version', async (t) => {
  const deprecate = (doc: CatalogDocument, replacement: string | undefined) => {
    const a = attribute(doc, 'socialtjanst.eb.administrator')
    a.status = 'deprecated'
    if (replacement === undefined) delete a.replaced_by
    else a.replaced_by = replacement
  }
  const at = `/attributes/${position(realCatalog(), 'socialtjanst.eb.administrator')}`
  const missing = broken((doc) => deprecate(doc, 'socialtjanst.eb.utbetalning'))
  t.same(missing, [{ file: FILE, pointer: `${at}/replaced_by`, rule: 'dangling-replaced-by', message: 'Attribute socialtjanst.eb.administrator is replaced by socialtjanst.eb.utbetalning, which is not in version 1.0.0; add it or name an attribute that is.' }])
  const self = broken((doc) => deprecate(doc, 'socialtjanst.eb.administrator'))
  t.match(self[0], { rule: 'dangling-replaced-by', message: /which is itself deprecated/ })
  const foreign = broken((doc) => deprecate(doc, 'skola.gr.rektor'))
  t.same(foreign, [], 'another domain\'s attribute is checked against the loaded catalogs (catalog-deprecation.test.ts), not in one document')
  const none = broken((doc) => deprecate(doc, undefined))
  t.same(none, [{ file: FILE, pointer: at, rule: 'replaced-by-required', message: 'Attribute socialtjanst.eb.administrator is deprecated but neither names the attribute that replaces it (replaced_by) nor says in a deprecation_note why there is none; add one of them.' }])
  const onActive = broken((doc) => { attribute(doc, 'socialtjanst.eb.administrator').replaced_by = 'socialtjanst.eb.handlaggare' })
  t.same(onActive.map((v) => v.rule), ['replaced-by-on-active'])
})

t.test('entitlement URNs end in the attribute\'s own id and are not shared', async (t) => {
  const violations = broken((doc) => { doc.attributes[1]!.external = { entitlement: 'https://behorig.se/entitlements/eb' }; doc.attributes[2]!.external = { entitlement: 'https://behorig.se/entitlements/eb' } })
  t.same(violations.map((v) => [v.rule, v.pointer]), [['duplicate-entitlement', '/attributes/2/external/entitlement']])
})

t.test('the schema holds entitlement URIs to the scheme, so a unit can be appended', async (t) => {
  const entitled = (entitlement: string) => broken((doc) => { doc.attributes[0]!.external = { entitlement } })
  for (const ok of ['urn:behorig:entitlement:socialtjanst.eb.handlaggare', 'https://behorig.se/entitlements/eb', 'https://example.se']) {
    t.same(entitled(ok), [], ok)
  }
  for (const bad of [
    'urn:behorig:entitlement:Socialtjanst.EB', // not an attribute id
    'urn:behorig:entitlement:socialtjanst', // an id has at least two parts
    'urn:behorig:entitlement:socialtjanst..eb',
    'urn:other:socialtjanst.eb.handlaggare',
    'https://behorig.se/e?attribute=eb', // a query
    'https://behorig.se/e#eb', // a fragment
    'https://behorig.se/e b', // whitespace
    'https://behorig.se/e/eb:unit:2129999997:x', // would read as a unit-qualified value
    'https:///eb', // no host
    'http://behorig.se/e/eb'
  ]) {
    t.same(entitled(bad).map((v) => [v.rule, v.pointer]), [['schema', '/attributes/0/external/entitlement']], bad)
  }
  t.match(entitled('https://behorig.se/e?x')[0]?.message, 'is not an entitlement URI: urn:behorig:entitlement:<attribute id>, or an https URI without ?, #, whitespace or ":unit:"')
})

t.test('schema violations name the attribute and the field', async (t) => {
  const extra = broken((doc) => { (doc.attributes[0] as Record<string, unknown>).colour = 'red' })
  t.same(extra, [{ file: FILE, pointer: '/attributes/0/colour', rule: 'schema', message: 'Attribute socialtjanst.eb.handlaggare has a field "colour" that catalogs do not have; check its spelling or remove it.' }])
  const missing = broken((doc) => { delete (doc.attributes[3] as Partial<CatalogDocument['attributes'][number]>).scope })
  t.same(missing, [{ file: FILE, pointer: '/attributes/3/scope', rule: 'schema', message: 'Attribute socialtjanst.eb.enhetschef lacks "scope", which is required.' }])
  const enumValue = broken((doc) => { (doc.attributes[0] as Record<string, unknown>).scope = 'team' })
  t.equal(enumValue[0]?.message, 'Attribute socialtjanst.eb.handlaggare: "scope" must be one of organisation, unit; it is "team".')
  const noVersion = broken((doc) => { doc.attributes[0]!.legal_basis = [{ act: 'Socialtjänstlag' }] })
  t.same(noVersion, [{ file: FILE, pointer: '/attributes/0/legal_basis/0', rule: 'schema', message: 'Attribute socialtjanst.eb.handlaggare names neither an SFS number (sfs) nor another version designation (version) of the act; give one.' }])
  const badSfs = broken((doc) => { doc.attributes[0]!.legal_basis = [{ act: 'Socialtjänstlag', sfs: '2025-400' }] })
  t.match(badSfs[0], { pointer: '/attributes/0/legal_basis/0/sfs', message: /is not an SFS number/ })
  const badDate = broken((doc) => { doc.attributes[0]!.legal_basis = [{ act: 'Socialtjänstlag', sfs: '2025:400', in_force_from: '1 juli 2025' }] })
  t.match(badDate[0], { pointer: '/attributes/0/legal_basis/0/in_force_from', message: /a date written YYYY-MM-DD/ })
  const badVersion = broken((doc) => { doc.version = '1.0' })
  t.match(badVersion[0], { pointer: '/version', message: 'The catalog: "1.0" is not a version of the form MAJOR.MINOR.PATCH' })
})

t.test('the path must agree with the domain and version the document states', async (t) => {
  const doc = realCatalog()
  t.same(validateCatalogDocument({ file: '/c/social/1.0.1.yaml', document: doc }).map((v) => [v.rule, v.pointer, v.message]), [
    ['path-mismatch', '/domain', 'The catalog says its domain is "socialtjanst" but the file lies in the folder "social"; they must agree.'],
    ['path-mismatch', '/version', 'The catalog says it is version 1.0.0 but the file is named 1.0.1.yaml; they must agree.']
  ])
  t.same(validateCatalogDocument({ file: '/c/draft.yaml', document: doc }).map((v) => v.rule), ['file-layout'])
  t.same(validateCatalogDocument({ file: 'request body', document: doc }, { checkPath: false }), [], 'documents that are not files skip the path check')
})

t.test('reports, never throws, whatever the document is', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.anything(), (document) => {
    const violations = validateCatalogs([{ file: FILE, document }])
    return violations.length > 0 && violations.every((v) => v.message.length > 0)
  }), { numRuns: propertyRuns(300) }))
})
