import t from 'tap'
import { compileMapping } from '../../src/mapping/mapping-compiler.js'
import type { EmploymentType, MappingRule, PersonFacts } from '../../src/mapping/mapping-types.js'
import { buildUnitTree, type UnitRecord } from '../../src/mapping/unit-tree.js'
import { catalog } from './helpers/mapping-builders.js'

// A sanity run at a realistic shape (10 000 people, 200 rules, a 3-level tree of 300
// units). It asserts results, not time: timing belongs in scripts/bench.
const TYPES: EmploymentType[] = ['tillsvidare', 'visstid', 'vikariat', 'timavlonad']
const units: UnitRecord[] = [{ id: 'root', parent_id: null, kind: 'kommun' }]
for (let f = 0; f < 10; f++) {
  units.push({ id: `f${f}`, parent_id: 'root', kind: 'forvaltning' })
  for (let e = 0; e < 29; e++) units.push({ id: `f${f}-e${e}`, parent_id: `f${f}`, kind: 'enhet' })
}
const attributes: Record<string, { scope: 'unit' | 'organisation' }> = {}
const rules: MappingRule[] = []
for (let r = 0; r < 200; r++) {
  const attribute = `socialtjanst.a${r % 50}.f${r % 7}`
  attributes[attribute] = { scope: r % 5 === 0 ? 'unit' : 'organisation' }
  const when = r % 4 === 0
    ? { all: [{ position_codes: [String(100000 + (r % 40))] }, { unit_within: `f${r % 10}` }] }
    : r % 4 === 1
      ? { titles: [`^titel ${r % 40}$`], employment_types: [TYPES[r % 4] as EmploymentType] }
      : r % 4 === 2
        ? { any: [{ groups: [`cn=g${r % 60},ou=groups,dc=exempel,dc=se`] }, { unit_kinds: ['forvaltning'] }] }
        : { unit_within: [`f${r % 10}-e${r % 29}`], not: { min_extent: 50 } }
  rules.push({ id: `r${r}`, when, grant: [attribute] })
}
const compiled = compileMapping({ domain: 'socialtjanst', catalog_version: '1.0.0', rules }, { mapping_version: 1, catalog: catalog(attributes), units: buildUnitTree(units) })

function syntheticPerson (i: number): PersonFacts {
  const employments = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
    employment_id: `e${i}-${k}`,
    unit_id: units[(i * 7 + k * 13) % units.length]?.id ?? 'root',
    position_code: String(100000 + ((i + k) % 40)),
    title: `Titel ${(i * 3 + k) % 40}`,
    employment_type: TYPES[(i + k) % 4] as EmploymentType,
    extent: (i % 10) * 10 + 10,
    start_date: '2020-01-01',
    end_date: k === 2 ? '2024-12-31' : null
  }))
  return { person_id: `p${i}`, employments, groups: [{ dn: `cn=g${i % 60},ou=groups,dc=exempel,dc=se` }] }
}

t.test('10 000 people against 200 rules evaluate to well-formed grants', async (t) => {
  let grants = 0
  let unitScoped = 0
  const matchedRules = new Set<string>()
  for (let i = 0; i < 10_000; i++) {
    for (const g of compiled.evaluatePerson(syntheticPerson(i), '2025-06-01')) {
      grants++
      if (g.unit_id !== null) unitScoped++
      for (const p of g.provenance) matchedRules.add(p.rule_id)
    }
  }
  t.ok(grants > 10_000, `${grants} grants`)
  t.ok(unitScoped > 0, 'some grants are unit-scoped')
  t.ok(matchedRules.size > 100, `${matchedRules.size} of 200 rules matched someone`)
})
