import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { catalogView } from '../../src/mapping/catalog-view.js'
import { compileMapping } from '../../src/mapping/mapping-compiler.js'
import { parseMappingText } from '../../src/mapping/mapping-parser.js'
import type { CatalogAttributeInfo, EmploymentFact, EmploymentType, GroupFact } from '../../src/mapping/mapping-types.js'
import { validateMapping } from '../../src/mapping/mapping-validator.js'
import { buildUnitTree, type UnitRecord } from '../../src/mapping/unit-tree.js'

const text = readFileSync(new URL('../../examples/mappings/exempelkommun.yaml', import.meta.url), 'utf8')
// Read straight from the catalog file, independent of the catalog capability's code.
interface CatalogFile { domain: string, version: string, attributes: Array<CatalogAttributeInfo & { id: string }> }
const readCatalog = (path: string) => parse(readFileSync(new URL(`../../attribute-catalog/${path}`, import.meta.url), 'utf8')) as CatalogFile
const catalogDoc = readCatalog('socialtjanst/1.1.0.yaml')
const catalog = catalogView(catalogDoc.attributes)

/** The unit tree documented in the example's header comment (indentation = parent). */
function documentedUnits (): UnitRecord[] {
  const units: UnitRecord[] = []
  const parents: string[] = []
  const block = text.split('# Units')[1]?.split('#\n')[0] ?? ''
  for (const line of block.split('\n')) {
    const m = /^#( +)([a-z-]+) +(.+?) {2,}([a-z]+)$/.exec(line)
    if (!m) continue
    const level = ((m[1] as string).length - 3) / 2
    parents[level] = m[2] as string
    units.push({ id: m[2] as string, parent_id: level === 0 ? null : parents[level - 1] as string, name: (m[3] as string).trim(), kind: m[4] as string })
  }
  return units
}

const units = documentedUnits()
const doc = parseMappingText(text, 'application/yaml')
const result = validateMapping(doc, {
  catalog: (domain, version) => domain === catalogDoc.domain && version === catalogDoc.version ? catalog : undefined,
  unitExists: (id) => units.some((u) => u.id === id),
  groupExists: () => true
})

t.test('the example mapping validates against the real catalog without warnings', async (t) => {
  t.equal(units.length, 18, 'the header documents the unit tree')
  t.match(units.find((u) => u.id === 'soc-eb-norr'), { parent_id: 'soc-eb', kind: 'enhet', name: 'Ekonomiskt bistånd norr' })
  t.match(units.find((u) => u.id === 'vof-hemtjanst'), { parent_id: 'vof', kind: 'enhet' })
  t.same(result.errors, [])
  t.same(result.warnings, [])
  t.ok(result.mapping)
})

t.test('the example grants what its comments promise', async (t) => {
  if (!result.mapping) throw new Error('example mapping is invalid')
  const compiled = compileMapping(result.mapping, { mapping_version: 1, catalog, units: buildUnitTree(units) })
  let n = 0
  const grantsOf = (employments: Array<Partial<EmploymentFact>>, groups: GroupFact[] = []) =>
    compiled.evaluatePerson({
      person_id: 'p',
      employments: employments.map((e) => ({ employment_id: `E-${++n}`, unit_id: 'soc', position_code: null, title: null, employment_type: 'tillsvidare', extent: 100, start_date: '2021-03-01', end_date: null, ...e })),
      groups
    }, '2025-06-01').map((g) => `${g.attribute_id}@${g.unit_id ?? '*'}`)

  t.same(grantsOf([{ unit_id: 'soc-eb-norr', position_code: '151010', title: 'Socialsekreterare' }]), ['socialtjanst.eb.handlaggare@soc-eb-norr'])
  t.same(grantsOf([{ unit_id: 'vof-hemtjanst', position_code: '521010', title: 'Undersköterska' }]), [])
  t.same(grantsOf([{ unit_id: 'soc-bu-utredning', position_code: '151010', employment_type: 'timavlonad' }]), [])
  t.same(grantsOf([{ unit_id: 'soc-bu-utredning', position_code: '151010' }], [{ dn: 'cn=SOC-Jour-Bemanning,ou=groups,dc=exempel,dc=se' }]),
    ['socialtjanst.bu.handlaggare@soc-bu-utredning', 'socialtjanst.jour.handlaggare@soc-bu-utredning'])
  t.same(grantsOf([{ unit_id: 'soc', position_code: '111010' }], [{ dn: 'cn=Statsbidrag-Ombud,ou=groups,dc=exempel,dc=se' }]),
    ['socialtjanst.ledning.socialchef@soc'], 'the state-grant ombud is granted by the representation mapping now')
  t.same(grantsOf([{ unit_id: 'soc-mott', title: 'Mottagningssekreterare' }]), ['socialtjanst.eb.mottagningshandlaggare@soc-mott', 'socialtjanst.mott.handlaggare@soc-mott'])
})

t.test('the representation example grants the organisation-wide appointments by group', async (t) => {
  const representationText = readFileSync(new URL('../../examples/mappings/exempelkommun-representation.yaml', import.meta.url), 'utf8')
  const representationDoc = readCatalog('representation/1.0.0.yaml')
  const view = catalogView(representationDoc.attributes)
  const checked = validateMapping(parseMappingText(representationText, 'application/yaml'), {
    catalog: (domain, version) => domain === representationDoc.domain && version === representationDoc.version ? view : undefined,
    unitExists: () => false,
    groupExists: () => true
  })
  t.same(checked.errors, [])
  t.same(checked.warnings, [])
  if (!checked.mapping) throw new Error('representation example is invalid')
  const compiled = compileMapping(checked.mapping, { mapping_version: 1, catalog: view, units: buildUnitTree(units) })
  const person = (unit: string, employmentType: EmploymentType, ...groups: string[]) => compiled.evaluatePerson({
    person_id: 'p',
    employments: [{ employment_id: 'E-1', unit_id: unit, position_code: null, title: null, employment_type: employmentType, extent: 100, start_date: '2021-03-01', end_date: null }],
    groups: groups.map((cn) => ({ dn: `cn=${cn},ou=groups,dc=exempel,dc=se` }))
  }, '2025-06-01').map((g) => `${g.attribute_id}@${g.unit_id ?? '*'}`)
  t.same(person('soc-stab', 'tillsvidare', 'Statsbidrag-Ombud'), ['representation.statsbidrag.ombud-socialstyrelsen@*'])
  t.same(person('soc-stab', 'tillsvidare', 'Skolverket-Ombud', 'Uppgiftslamnare'), ['representation.statistik.uppgiftslamnare@*', 'representation.statsbidrag.ombud-skolverket@*'])
  t.same(person('soc-stab', 'uppdrag', 'Uppgiftslamnare'), [])
})
