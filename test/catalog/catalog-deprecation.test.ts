import t from 'tap'
import type { CatalogDocument } from '../../src/catalog/catalog-types.js'
import { validateCatalogDocument, validateCatalogs } from '../../src/catalog/catalog-validator.js'
import { diffCatalogs } from '../../src/catalog/catalog-diff.js'
import { asFile, attribute, nextVersion, position, realCatalog } from './helpers/catalog-test-data.js'

// The rules for deprecating (replaced_by in another domain, deprecation_note) and for
// entitlement URIs across the whole catalog, on fresh copies of the real catalogs.
const v1 = realCatalog('socialtjanst', '1.0.0')
const v11 = realCatalog('socialtjanst', '1.1.0')
const representation = realCatalog('representation', '1.0.0')
const skola = realCatalog('skola', '0.1.0')
const OMBUD = 'socialtjanst.statsbidrag.ombud'
const rules = (...docs: CatalogDocument[]) => validateCatalogs(docs.map((d) => asFile(d))).map((v) => `${v.rule} ${v.file.replace('/catalogs/', '')} ${v.pointer}`)
const at = (doc: CatalogDocument, id: string) => `/attributes/${position(doc, id)}`

t.test('replaced_by may name an active attribute of another domain that is loaded', async (t) => {
  t.same(validateCatalogs([representation, v1, v11].map((d) => asFile(d))), [], 'the real 1.1.0 with the representation domain')
  t.equal(attribute(v11, OMBUD).replaced_by, 'representation.statsbidrag.ombud-socialstyrelsen')
  // Any loaded version of the other domain will do, as long as one has it active.
  const later = nextVersion(representation, '1.1.0', (d) => {
    Object.assign(attribute(d, 'representation.statsbidrag.ombud-socialstyrelsen'), { status: 'deprecated', deprecation_note: { sv: 'Utgår.', en: 'Goes.' } })
  })
  t.same(rules(representation, later, v1, v11), [])
})

t.test('replaced_by in another domain is refused when no loaded version has it active', async (t) => {
  const pointer = `${at(v11, OMBUD)}/replaced_by`
  t.same(validateCatalogs([asFile(v1), asFile(v11)]), [{
    file: '/catalogs/socialtjanst/1.1.0.yaml',
    pointer,
    rule: 'dangling-replaced-by',
    message: 'Attribute socialtjanst.statsbidrag.ombud is replaced by representation.statsbidrag.ombud-socialstyrelsen, which belongs to the domain representation, and no catalog of representation is loaded; validate its file together with this one.'
  }])
  const elsewhere = nextVersion(v11, '1.2.0', (d) => { attribute(d, OMBUD).replaced_by = 'representation.statsbidrag.ombud-ivo' })
  t.match(validateCatalogs([representation, v1, v11, elsewhere].map((d) => asFile(d))), [{
    file: '/catalogs/socialtjanst/1.2.0.yaml',
    pointer,
    rule: 'dangling-replaced-by',
    message: 'Attribute socialtjanst.statsbidrag.ombud is replaced by representation.statsbidrag.ombud-ivo, which is in no version of the representation catalog; add it there first or name an attribute that is.'
  }])
  const retired = nextVersion(representation, '1.0.0', (d) => {
    Object.assign(attribute(d, 'representation.statsbidrag.ombud-socialstyrelsen'), { status: 'deprecated', deprecation_note: { sv: 'Utgår.', en: 'Goes.' } })
  })
  t.match(validateCatalogs([retired, v1, v11].map((d) => asFile(d))), [{ pointer, rule: 'dangling-replaced-by', message: /which is deprecated in every version of the representation catalog that has it; name the active attribute that takes over\.$/ }])
})

t.test('a single document cannot judge another domain\'s attribute, so it does not refuse it', async (t) => {
  t.same(validateCatalogDocument({ file: '/catalogs/socialtjanst/1.1.0.yaml', document: v11 }), [])
})

t.test('a deprecated attribute has replaced_by or a deprecation_note, exactly one', async (t) => {
  const file = '/catalogs/socialtjanst/1.1.0.yaml'
  const check = (change: (doc: CatalogDocument) => void) => {
    const doc = structuredClone(v11)
    change(doc)
    return validateCatalogDocument({ file, document: doc })
  }
  const noted = 'socialtjanst.statsbidrag.representant'
  t.ok(attribute(v11, noted).deprecation_note?.sv.includes('nästa huvudversion'), 'the real note says it leaves in the next major version')
  t.equal(attribute(v11, noted).replaced_by, undefined)

  const neither = check((d) => { delete attribute(d, noted).deprecation_note })
  t.same(neither, [{ file, pointer: at(v11, noted), rule: 'replaced-by-required', message: `Attribute ${noted} is deprecated but neither names the attribute that replaces it (replaced_by) nor says in a deprecation_note why there is none; add one of them.` }])

  const both = check((d) => { attribute(d, noted).replaced_by = 'socialtjanst.eb.handlaggare' })
  t.same(both, [{ file, pointer: at(v11, noted), rule: 'replacement-and-note', message: `Attribute ${noted} is deprecated with both replaced_by and a deprecation_note; a deprecation note is for an attribute without a replacement, so keep one of them.` }])

  const onActive = check((d) => { attribute(d, 'socialtjanst.eb.handlaggare').deprecation_note = { sv: 'Nej.', en: 'No.' } })
  t.same(onActive, [{ file, pointer: '/attributes/0/deprecation_note', rule: 'deprecation-note-on-active', message: 'Attribute socialtjanst.eb.handlaggare is active but has a deprecation_note; only a deprecated attribute explains why it has no replacement.' }])

  const halfNote = check((d) => { attribute(d, noted).deprecation_note = { sv: 'Bara svenska.' } as never })
  t.same(halfNote.map((v) => [v.rule, v.pointer]), [['schema', `${at(v11, noted)}/deprecation_note/en`]])
  const emptyNote = check((d) => { attribute(d, noted).deprecation_note = { sv: '', en: 'x' } })
  t.same(emptyNote.map((v) => [v.rule, v.pointer]), [['schema', `${at(v11, noted)}/deprecation_note/sv`]])
})

t.test('adding, rewording or dropping a deprecation note is a minor step', async (t) => {
  const noted = 'socialtjanst.statsbidrag.representant'
  const reworded = (version: string) => nextVersion(v11, version, (d) => { attribute(d, noted).deprecation_note!.en = 'Goes in 2.0.0.' })
  t.same(rules(representation, v1, v11, reworded('1.2.0')), [])
  t.same(rules(representation, v1, v11, reworded('1.1.1')), [`semver-bump socialtjanst/1.1.1.yaml ${at(v11, noted)}`])
  const replaced = nextVersion(v11, '1.2.0', (d) => { Object.assign(attribute(d, noted), { replaced_by: 'representation.statsbidrag.ombud-socialstyrelsen', deprecation_note: undefined }); delete attribute(d, noted).deprecation_note })
  t.same(rules(representation, v1, v11, replaced), [], 'a note can give way to a replacement in another domain')
})

t.test('an entitlement URI names one attribute id across all domains and versions', async (t) => {
  // An https URI handed to another attribute in a later (major) version.
  const moved = nextVersion(v1, '2.0.0', (d) => {
    attribute(d, 'socialtjanst.eb.handlaggare').external = { entitlement: 'https://behorig.se/e/eb-2' }
    attribute(d, 'socialtjanst.eb.arbetsledare').external = { entitlement: 'https://behorig.se/e/eb' }
  })
  const before = nextVersion(v1, '1.0.0', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').external = { entitlement: 'https://behorig.se/e/eb' } })
  t.same(validateCatalogs([asFile(before), asFile(moved)]).filter((v) => v.rule !== 'semver-bump'), [{
    file: '/catalogs/socialtjanst/2.0.0.yaml',
    pointer: `${at(v1, 'socialtjanst.eb.arbetsledare')}/external/entitlement`,
    rule: 'entitlement-reused',
    message: 'Attribute socialtjanst.eb.arbetsledare renders as the entitlement https://behorig.se/e/eb, which names socialtjanst.eb.handlaggare in socialtjanst 1.0.0; an entitlement URI names one attribute for good, so give this one its own.'
  }])
  // Across domains, and the default URN counts: skola 0.1.0 gives no entitlement, so its rektor renders as the URN.
  const taken = nextVersion(v1, '1.0.0', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').external = { entitlement: 'urn:behorig:entitlement:skola.gr.rektor' } })
  t.same(rules(skola, taken), [
    'entitlement-mismatch socialtjanst/1.0.0.yaml /attributes/0/external/entitlement',
    'entitlement-reused socialtjanst/1.0.0.yaml /attributes/0/external/entitlement'
  ])
  const https = 'https://behorig.se/e/rektor'
  const skolaHttps = nextVersion(skola, '0.1.0', (d) => { attribute(d, 'skola.gr.rektor').external = { entitlement: https } })
  const stHttps = nextVersion(v1, '1.0.0', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').external = { entitlement: https } })
  t.same(rules(skolaHttps, stHttps), ['entitlement-reused socialtjanst/1.0.0.yaml /attributes/0/external/entitlement'], 'reported on the later file')
  // The same attribute keeping its URI across versions is what should happen.
  t.same(rules(v1, v11, representation), [])
})

t.test('a retirement day is for a deprecated attribute; setting or moving it is a minor step the diff names', async (t) => {
  const file = '/catalogs/socialtjanst/1.1.0.yaml'
  const onActive = structuredClone(v11)
  attribute(onActive, 'socialtjanst.eb.handlaggare').retires_on = '2027-01-01'
  t.same(validateCatalogDocument({ file, document: onActive }), [{ file, pointer: '/attributes/0/retires_on', rule: 'retires-on-active', message: 'Attribute socialtjanst.eb.handlaggare is active but has a retires_on; deprecate it first (with replaced_by or a deprecation_note), then give the day it retires.' }])
  const notADay = structuredClone(v11)
  attribute(notADay, OMBUD).retires_on = '1 januari 2027'
  t.same(validateCatalogDocument({ file, document: notADay }).map((v) => [v.rule, v.pointer]), [['schema', `${at(v11, OMBUD)}/retires_on`]])

  const retiring = nextVersion(v11, '1.2.0', (d) => { attribute(d, OMBUD).retires_on = '2027-01-01' })
  t.same(rules(representation, v1, v11, retiring), [])
  t.same(rules(representation, v1, v11, nextVersion(v11, '1.1.1', (d) => { attribute(d, OMBUD).retires_on = '2027-01-01' })), [`semver-bump socialtjanst/1.1.1.yaml ${at(v11, OMBUD)}`], 'not a patch')
  t.match(diffCatalogs(v11, retiring), { required_bump: 'minor', changed: [{ id: OMBUD, fields: ['retires_on'] }], changes: [{ bump: 'minor', subject: OMBUD, message: `Attribute ${OMBUD} retires on 2027-01-01.` }] })
  const moved = nextVersion(retiring, '1.3.0', (d) => { attribute(d, OMBUD).retires_on = '2027-03-01' })
  t.match(diffCatalogs(retiring, moved).changes, [{ message: `Attribute ${OMBUD} retires on 2027-03-01 instead of 2027-01-01.` }])
})
