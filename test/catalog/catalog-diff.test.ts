import t from 'tap'
import { diffCatalogs } from '../../src/catalog/catalog-diff.js'
import type { CatalogDocument } from '../../src/catalog/catalog-types.js'
import { attribute, fixtureCatalog, nextVersion, realCatalog } from './helpers/catalog-test-data.js'

const v1 = realCatalog()
const v11 = fixtureCatalog('socialtjanst/1.1.0.yaml')
const changedBy = (change: (doc: CatalogDocument) => void) => diffCatalogs(v1, nextVersion(v1, '9.0.0', change))

t.test('lists what the 1.1.0 proposal adds, deprecates and rewords, and asks for a minor step', async (t) => {
  const diff = diffCatalogs(v1, v11)
  t.same({ ...diff, changes: undefined }, {
    domain: 'socialtjanst',
    from: '1.0.0',
    to: '1.1.0',
    added: ['socialtjanst.eb.utbetalningsadministrator', 'socialtjanst.vnr.arbetsledare'],
    deprecated: [{ id: 'socialtjanst.eb.administrator', replaced_by: 'socialtjanst.eb.utbetalningsadministrator' }],
    removed: [],
    changed: [{ id: 'socialtjanst.eb.handlaggare', fields: ['definition'] }],
    references: [],
    codes: [{ list: 'functions', code: 'utbetalningsadministrator', change: 'added' }],
    required_bump: 'minor',
    changes: undefined
  })
  t.same(diff.changes.map((c) => [c.bump, c.pointer]), [
    ['patch', '/attributes/0/definition'],
    ['minor', '/attributes/4'],
    ['minor', '/attributes/5'],
    ['minor', '/attributes/15'],
    ['minor', '/functions/9']
  ])
})

t.test('going back from 1.1.0 to 1.0.0 would remove attributes: major', async (t) => {
  const diff = diffCatalogs(v11, v1)
  t.same(diff.removed, ['socialtjanst.eb.utbetalningsadministrator', 'socialtjanst.vnr.arbetsledare'])
  t.same(diff.codes, [{ list: 'functions', code: 'utbetalningsadministrator', change: 'removed' }])
  t.same(diff.changed.find((c) => c.id === 'socialtjanst.eb.administrator'), { id: 'socialtjanst.eb.administrator', fields: ['status'] })
  t.equal(diff.required_bump, 'major')
})

t.test('a version compared with itself has no changes', async (t) => {
  t.same(diffCatalogs(v1, v1), { domain: 'socialtjanst', from: '1.0.0', to: '1.0.0', added: [], deprecated: [], removed: [], changed: [], references: [], codes: [], required_bump: 'none', changes: [] })
})

t.test('classifies each kind of change by the step it needs', async (t) => {
  const cases: Array<[string, (doc: CatalogDocument) => void, string, string[]]> = [
    ['scope', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').scope = 'organisation' }, 'major', ['scope']],
    ['act added', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').legal_basis.push({ act: 'Föräldrabalk', sfs: '1949:381' }) }, 'major', ['legal_basis']],
    ['act revised', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').legal_basis[0] = { act: 'Socialtjänstlag', sfs: '2001:453' } }, 'minor', ['legal_basis']],
    ['entitlement changed', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').external = { entitlement: 'https://behorig.se/e/eb' } }, 'major', ['external']],
    ['claim added', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').external = { entitlement: 'urn:behorig:entitlement:socialtjanst.eb.handlaggare', claims: ['https://id.oidc.se/claim/orgNumber'] } }, 'minor', ['external']],
    ['entitlement removed', (d) => { delete attribute(d, 'socialtjanst.eb.handlaggare').external }, 'major', ['external']],
    ['claim dropped', (d) => { attribute(d, 'socialtjanst.statsbidrag.ombud').external!.claims = ['https://id.oidc.se/claim/orgNumber'] }, 'major', ['external']],
    ['consumers', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').consumers = [] }, 'patch', ['consumers']],
    ['label', (d) => { attribute(d, 'socialtjanst.eb.handlaggare').label.sv = 'Socialsekreterare, ekonomiskt bistånd' }, 'patch', ['label']]
  ]
  for (const [name, change, bump, fields] of cases) {
    const diff = changedBy(change)
    t.equal(diff.required_bump, bump, name)
    t.same(diff.changed.map((c) => c.fields), [fields], name)
  }
  t.equal(changedBy((d) => { d.title.en = 'Social services attributes' }).required_bump, 'patch', 'title')
  const skola = realCatalog('skola', '0.1.0')
  const withEntitlement = diffCatalogs(skola, nextVersion(skola, '0.2.0', (d) => { attribute(d, 'skola.gr.rektor').external = { entitlement: 'urn:behorig:entitlement:skola.gr.rektor' } }))
  t.match(withEntitlement, { required_bump: 'minor', changes: [{ message: 'Attribute skola.gr.rektor now also renders as the entitlement urn:behorig:entitlement:skola.gr.rektor.' }] })
  const replacement = diffCatalogs(v11, nextVersion(v11, '1.2.0', (d) => { attribute(d, 'socialtjanst.eb.administrator').replaced_by = 'socialtjanst.eb.handlaggare' }))
  t.match(replacement, { required_bump: 'minor', changed: [{ id: 'socialtjanst.eb.administrator', fields: ['replaced_by'] }], deprecated: [] })
  t.same(changedBy((d) => { d.areas[0]!.label.en = 'Income support' }).codes, [{ list: 'areas', code: 'eb', change: 'relabelled' }])
})

t.test('refuses to compare two domains', async (t) => {
  t.throws(() => diffCatalogs(v1, realCatalog('skola', '0.1.0')), /cannot diff socialtjanst against skola/)
})

t.test('a deprecation without a replacement, its note, and revised references to the same act', async (t) => {
  const v11real = realCatalog('socialtjanst', '1.1.0')
  const diff = diffCatalogs(v1, v11real)
  t.match(diff.changes.find((c) => c.subject === 'socialtjanst.statsbidrag.representant'), { bump: 'minor', message: 'Attribute socialtjanst.statsbidrag.representant was deprecated without a replacement (see its deprecation_note).' })
  t.same(diff.references.map((r) => [r.act, r.from, r.to, r.attributes.length]), [['Kommunallag', 'Kommunallag (2017:725) 6 kap. 33–37 §§', 'Kommunallag (2017:725) 6 kap. 37–40 §§, 7 kap. 5–8 §§', 25]])
  t.match(diff.changes.find((c) => c.subject === 'socialtjanst.eb.handlaggare'), { bump: 'minor', pointer: '/attributes/0/legal_basis', message: 'Attribute socialtjanst.eb.handlaggare has revised legal references: Kommunallag (2017:725) 6 kap. 33–37 §§ → Kommunallag (2017:725) 6 kap. 37–40 §§, 7 kap. 5–8 §§.' })
  const noted = (change: (doc: CatalogDocument) => void) => diffCatalogs(v11real, nextVersion(v11real, '1.2.0', change))
  const reworded = noted((d) => { attribute(d, 'socialtjanst.statsbidrag.representant').deprecation_note!.sv = 'Utgår i 2.0.0.' })
  t.match(reworded, { required_bump: 'minor', changed: [{ id: 'socialtjanst.statsbidrag.representant', fields: ['deprecation_note'] }], changes: [{ message: 'Attribute socialtjanst.statsbidrag.representant has a reworded deprecation note.' }] })
  const reactivated = noted((d) => { const a = attribute(d, 'socialtjanst.statsbidrag.representant'); a.status = 'active'; delete a.deprecation_note })
  t.same(reactivated.changed, [{ id: 'socialtjanst.statsbidrag.representant', fields: ['status', 'deprecation_note'] }])
  t.equal(reactivated.required_bump, 'minor')
})
