import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { catalogJsonSchema } from '../../src/catalog/catalog-document-schema.js'
import { loadAndValidateCatalogs } from '../../src/catalog/catalog-startup.js'
import { CATALOG_RULES } from '../../src/catalog/catalog-types.js'
import { CATALOG_DIR, REPO_ROOT, attribute, realCatalog } from './helpers/catalog-test-data.js'

t.test('every catalog file in attribute-catalog/ is valid', async (t) => {
  const { entries, violations } = await loadAndValidateCatalogs()
  t.same(violations, [])
  t.same(entries.map((e) => `${e.document.domain} ${e.document.version}`), ['representation 1.0.0', 'skola 0.1.0', 'skola 0.2.0', 'socialtjanst 1.0.0', 'socialtjanst 1.1.0'])
})

t.test('the social-services catalog covers the areas and roles municipalities delegate', async (t) => {
  const doc = realCatalog()
  t.ok(doc.attributes.length >= 30, `${doc.attributes.length} attributes`)
  t.same(doc.areas.map((a) => a.code), ['eb', 'bu', 'vux', 'vnr', 'fr', 'aldre', 'fn', 'jour', 'mott'])
  for (const id of ['socialtjanst.eb.handlaggare', 'socialtjanst.eb.arbetsledare', 'socialtjanst.eb.enhetschef', 'socialtjanst.bu.handlaggare',
    'socialtjanst.aldre.bistandshandlaggare', 'socialtjanst.fn.lss-handlaggare', 'socialtjanst.fr.familjerattssekreterare', 'socialtjanst.mott.handlaggare',
    'socialtjanst.statsbidrag.ombud', 'socialtjanst.statsbidrag.representant', 'socialtjanst.statsbidrag.uppgiftssamordnare', 'socialtjanst.behorighet.administrator']) {
    t.equal(attribute(doc, id).status, 'active', id)
  }
  for (const area of doc.areas) t.ok(doc.attributes.some((a) => a.area === area.code), `area ${area.code} has attributes`)
})

t.test('SSBTEK access is the investigating unit\'s, with intake preparing applications modelled apart', async (t) => {
  const doc = realCatalog()
  const ssbtek = doc.attributes.filter((a) => a.consumers.some((c) => c.service?.includes('SSBTEK'))).map((a) => [a.id, a.authority_exercise])
  t.same(ssbtek, [['socialtjanst.eb.handlaggare', true], ['socialtjanst.eb.mottagningshandlaggare', false]])
  t.match(attribute(doc, 'socialtjanst.mott.handlaggare').definition.sv, /socialtjanst\.eb\.mottagningshandlaggare/)
})

t.test('scope follows the documented rule: organisation only for representation and access administration', async (t) => {
  const doc = realCatalog()
  const organisationWide = doc.attributes.filter((a) => a.scope === 'organisation').map((a) => a.id)
  t.same(organisationWide, ['socialtjanst.statsbidrag.ombud', 'socialtjanst.statsbidrag.representant', 'socialtjanst.statsbidrag.uppgiftssamordnare', 'socialtjanst.behorighet.administrator'])
  for (const a of doc.attributes.filter((a) => a.scope === 'organisation')) t.equal(a.area, undefined, `${a.id} is not tied to an area`)
})

t.test('every definition says who is in and who is out', async (t) => {
  const { entries } = await loadAndValidateCatalogs()
  for (const doc of entries.map((e) => e.document)) {
    for (const a of doc.attributes) {
      t.match(a.definition.sv, /Omfattar .*Omfattar inte /s, `${a.id} (sv)`)
      t.match(a.definition.en, /Includes .*Excludes /s, `${a.id} (en)`)
    }
  }
})

t.test('the social-services acts are cited by name and version', async (t) => {
  const cited = new Map(realCatalog().attributes.flatMap((a) => a.legal_basis).map((l) => [l.act, l.sfs ?? l.version]))
  t.equal(cited.get('Socialtjänstlag'), '2025:400')
  t.equal(cited.get('Lag med särskilda bestämmelser om vård av unga'), '1990:52')
  t.equal(cited.get('Lag om vård av missbrukare i vissa fall'), '1988:870')
  t.equal(cited.get('Lag om stöd och service till vissa funktionshindrade'), '1993:387')
  t.equal(cited.get('Föräldrabalk'), '1949:381')
  t.equal(cited.get('Kommunallag'), '2017:725')
})

t.test('the school catalog is a small draft', async (t) => {
  const doc = realCatalog('skola', '0.1.0')
  t.ok(doc.attributes.length >= 5 && doc.attributes.length <= 8, `${doc.attributes.length} attributes`)
  t.match(doc.version, /^0\./)
})

t.test('schemas/attribute-catalog.schema.json is the schema the validator uses', async (t) => {
  const checkedIn = readFileSync(join(REPO_ROOT, 'schemas/attribute-catalog.schema.json'), 'utf8')
  t.equal(checkedIn, JSON.stringify(catalogJsonSchema(), null, 2) + '\n', 'regenerate with: npm run -s catalog -- schema > schemas/attribute-catalog.schema.json')
})

t.test('every property in the schema has a description', async (t) => {
  const undocumented: string[] = []
  const walk = (schema: Record<string, unknown>, path: string) => {
    for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      if (typeof child.description !== 'string' || child.description.length === 0) undocumented.push(`${path}/${name}`)
      walk(child, `${path}/${name}`)
    }
    const items = schema.items as Record<string, unknown> | undefined
    if (items) {
      if (typeof items.description !== 'string') undocumented.push(`${path}/items`)
      walk(items, `${path}/items`)
    }
  }
  walk(catalogJsonSchema(), '')
  t.same(undocumented, [])
})

t.test('the catalog README explains every rule the validator reports', async (t) => {
  const readme = readFileSync(join(CATALOG_DIR, 'README.md'), 'utf8')
  for (const rule of CATALOG_RULES) t.match(readme, `| \`${rule}\` |`, rule)
})
