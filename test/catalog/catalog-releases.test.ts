import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCatalogCli } from '../../src/catalog/catalog-commands.js'
import { loadCatalogDirectory } from '../../src/catalog/catalog-loader.js'
import { loadAndValidateCatalogs } from '../../src/catalog/catalog-startup.js'
import type { CatalogDocument } from '../../src/catalog/catalog-types.js'
import { entitlementOf, unitEntitlement } from '../../src/catalog/entitlement.js'
import { CATALOG_DIR, REPO_ROOT, attribute, realCatalog } from './helpers/catalog-test-data.js'

// The catalog content as released: socialtjanst 1.1.0, representation 1.0.0, skola 0.2.0.
async function run (...argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCatalogCli(argv, { stdout: { write: (s) => { stdout += s } }, stderr: { write: (s) => { stderr += s } }, cwd: REPO_ROOT })
  return { code, stdout, stderr }
}

const { entries } = await loadAndValidateCatalogs()
const documents: CatalogDocument[] = entries.map((e) => e.document)
const latest = (domain: string) => documents.filter((d) => d.domain === domain).at(-1) as CatalogDocument
const KL_SECTIONS = '6 kap. 37–40 §§, 7 kap. 5–8 §§'

t.test('every catalog version validates, each file against the versions before it', async (t) => {
  const files = (await loadCatalogDirectory(CATALOG_DIR)).files.map((f) => f.file.slice(REPO_ROOT.length))
  t.same(files, ['attribute-catalog/representation/1.0.0.yaml', 'attribute-catalog/skola/0.1.0.yaml', 'attribute-catalog/skola/0.2.0.yaml', 'attribute-catalog/socialtjanst/1.0.0.yaml', 'attribute-catalog/socialtjanst/1.1.0.yaml'])
  t.equal(entries.length, files.length, 'all of them valid together')
  for (const file of files) {
    const result = await run('validate', file)
    t.equal(result.code, 0, `${file}: ${result.stderr}`)
    t.match(result.stdout, `  ${file} (`, file)
  }
})

t.test('the diff of socialtjanst 1.0.0 → 1.1.0 shows the revised Kommunallag reference and the deprecations', async (t) => {
  const result = await run('diff', 'socialtjanst', '1.0.0', '1.1.0')
  t.equal(result.code, 0)
  t.equal(result.stderr, '')
  const lines = result.stdout.split('\n')
  t.same(lines.slice(0, 11), [
    'socialtjanst 1.0.0 → 1.1.0',
    'added (3):',
    '  + socialtjanst.avgift.handlaggare',
    '  + socialtjanst.rapportering.lex-sarah',
    '  + socialtjanst.rapportering.ej-verkstallda-beslut',
    'deprecated (3):',
    '  ~ socialtjanst.statsbidrag.ombud → representation.statsbidrag.ombud-socialstyrelsen',
    '  ~ socialtjanst.statsbidrag.representant → (no replacement)',
    '  ~ socialtjanst.statsbidrag.uppgiftssamordnare → (no replacement)',
    'removed (0)',
    'changed (25):'
  ])
  t.ok(lines.includes('  * socialtjanst.eb.handlaggare: legal_basis'))
  t.ok(lines.includes('  * socialtjanst.aldre.bistandshandlaggare: legal_basis, definition'))
  t.same(lines.slice(lines.indexOf('revised references (1):')), [
    'revised references (1):',
    `  § Kommunallag (2017:725) 6 kap. 33–37 §§ → Kommunallag (2017:725) ${KL_SECTIONS} (25 attributes)`,
    'code lists (4):',
    '  added areas/avgift',
    '  added functions/avgiftshandlaggare',
    '  added functions/lex-sarah-ansvarig',
    '  added functions/rapportor',
    'changes that need a minor step; 1.0.0 → 1.1.0 is a minor step.',
    ''
  ])
  const json = JSON.parse((await run('diff', 'socialtjanst', '1.0.0', '1.1.0', '--json')).stdout)
  t.match(json, { removed: [], required_bump: 'minor' })
  t.notOk(json.changes.some((c: { bump: string }) => c.bump === 'major'), 'nothing that needs a major step: no removal, no facet or act changed')
})

t.test('every entitlement URI names one attribute id across the whole catalog', async (t) => {
  const owners = new Map<string, Set<string>>()
  for (const doc of documents) {
    for (const a of doc.attributes) {
      const uri = entitlementOf(a)
      owners.set(uri, (owners.get(uri) ?? new Set()).add(a.id))
    }
  }
  const shared = [...owners].filter(([, ids]) => ids.size > 1).map(([uri, ids]) => `${uri}: ${[...ids].join(', ')}`)
  t.same(shared, [])
  const ids = new Set(documents.flatMap((d) => d.attributes.map((a) => a.id)))
  t.equal(owners.size, ids.size, 'one URI per id, too: no attribute changed its URI')
})

t.test('the new versions give an entitlement on every attribute, in the documented form', async (t) => {
  for (const domain of ['socialtjanst', 'skola', 'representation']) {
    for (const a of latest(domain).attributes) t.equal(a.external?.entitlement, `urn:behorig:entitlement:${a.id}`, a.id)
  }
  const readme = readFileSync(join(CATALOG_DIR, 'README.md'), 'utf8')
  const example = unitEntitlement(entitlementOf(attribute(latest('socialtjanst'), 'socialtjanst.eb.handlaggare')), '2129999997', 'soc-eb-norr')
  t.equal(example, 'urn:behorig:entitlement:socialtjanst.eb.handlaggare:unit:2129999997:soc-eb-norr')
  t.match(readme, `\`${example}\``, 'the README\'s example is what the code renders')
  t.match(readme, /## Entitlement URIs\n/)
  t.equal(readme.match(/^## Entitlement URIs$/gm)?.length, 1, 'documented once')
})

t.test('socialtjanst 1.1.0: the delegation sections of Kommunallag, fee and IVO roles, state grants on their way out', async (t) => {
  const doc = realCatalog('socialtjanst', '1.1.0')
  const kl = doc.attributes.flatMap((a) => a.legal_basis).filter((l) => l.act === 'Kommunallag')
  t.ok(kl.length > 20)
  t.same([...new Set(kl.map((l) => `${l.sfs} ${l.section}`))], [`2017:725 ${KL_SECTIONS}`])
  t.match(attribute(doc, 'socialtjanst.avgift.handlaggare'), { area: 'avgift', function: 'avgiftshandlaggare', scope: 'unit', authority_exercise: true, consumers: [{ agency: 'Pensionsmyndigheten' }, { agency: 'Försäkringskassan' }] })
  for (const id of ['socialtjanst.rapportering.lex-sarah', 'socialtjanst.rapportering.ej-verkstallda-beslut']) {
    t.match(attribute(doc, id), { scope: 'organisation', authority_exercise: false, area: undefined, consumers: [{ agency: 'Inspektionen för vård och omsorg' }] }, id)
    t.same(attribute(doc, id).legal_basis.map((l) => `${l.act} ${l.sfs}`), ['Socialtjänstlag 2025:400', 'Lag om stöd och service till vissa funktionshindrade 1993:387'], `${id}: acts only, no sections`)
  }
  t.match(attribute(doc, 'socialtjanst.statsbidrag.ombud'), { status: 'deprecated', replaced_by: 'representation.statsbidrag.ombud-socialstyrelsen' })
  for (const id of ['socialtjanst.statsbidrag.representant', 'socialtjanst.statsbidrag.uppgiftssamordnare']) {
    const a = attribute(doc, id)
    t.match(a, { status: 'deprecated', replaced_by: undefined }, id)
    t.match(a.deprecation_note?.sv, /bjuder|inbjudan/, `${id}: the note says why`)
    t.match(a.deprecation_note?.en, /next major version/, `${id}: and when it leaves`)
  }
  const organisationWide = doc.attributes.filter((a) => a.scope === 'organisation').map((a) => a.id)
  t.same(organisationWide, ['socialtjanst.statsbidrag.ombud', 'socialtjanst.statsbidrag.representant', 'socialtjanst.statsbidrag.uppgiftssamordnare',
    'socialtjanst.rapportering.lex-sarah', 'socialtjanst.rapportering.ej-verkstallda-beslut', 'socialtjanst.behorighet.administrator'])
})

t.test('representation 1.0.0: organisation-wide appointments towards agencies, reviewed as the README says', async (t) => {
  const doc = realCatalog('representation', '1.0.0')
  t.same(doc.attributes.map((a) => a.id), ['representation.statsbidrag.ombud-socialstyrelsen', 'representation.statsbidrag.ombud-skolverket', 'representation.statistik.uppgiftslamnare'])
  for (const a of doc.attributes) {
    t.match(a, { scope: 'organisation', authority_exercise: false, status: 'active', external: { claims: ['https://id.oidc.se/claim/orgNumber', 'https://id.oidc.se/claim/orgName'] } }, a.id)
  }
  t.same(doc.attributes.map((a) => a.consumers.map((c) => c.agency)), [['Socialstyrelsen'], ['Skolverket'], ['Statistiska centralbyrån', 'Socialstyrelsen']])
  const readme = readFileSync(join(CATALOG_DIR, 'README.md'), 'utf8')
  t.match(readme, /### The domain `representation`[\s\S]*catalog steward[\s\S]*kanslichef[\s\S]*not: the organisation's data does not know who holds it/)
})

t.test('skola 0.2.0: the school forms and roles of SS 12000, units by skolenhetskod', async (t) => {
  const doc = realCatalog('skola', '0.2.0')
  t.same(doc.areas.map((a) => a.code), ['gr', 'gy', 'fs', 'fth', 'grs', 'gys', 'vux', 'sfi'])
  for (const area of doc.areas) t.ok(doc.attributes.some((a) => a.area === area.code && a.status === 'active'), `area ${area.code} has attributes`)
  const labels = doc.functions.map((f) => f.label.sv)
  for (const role of ['Rektor', 'Lärare', 'Förskollärare', 'Barnskötare', 'Skolsköterska', 'Skolläkare', 'Skolpsykolog', 'Specialpedagog', 'Studie- och yrkesvägledare', 'Skoladministratör', 'Skolchef']) {
    t.ok(labels.includes(role), role)
  }
  t.match(doc.description.sv, /skolenhetskod \(åtta siffror.*school_unit_code/s)
  t.match(doc.description.en, /eight digits.*school_unit_code/s)
  t.match(attribute(doc, 'skola.ledning.skolchef').legal_basis, [{ act: 'Skollag', sfs: '2010:800', section: '2 kap. 8 a §' }])
  for (const id of ['skola.gr.kurator', 'skola.gr.skolskoterska']) {
    t.match(attribute(doc, id), { status: 'deprecated', replaced_by: id.replace('skola.gr.', 'skola.elevhalsa.') }, id)
  }
  t.same(doc.attributes.filter((a) => a.id.startsWith('skola.elevhalsa.')).map((a) => [a.function, a.area, a.scope]),
    [['skollakare', undefined, 'unit'], ['skolskoterska', undefined, 'unit'], ['skolpsykolog', undefined, 'unit'], ['kurator', undefined, 'unit'], ['specialpedagog', undefined, 'unit']])
})
