// Factories for mapping tests: each test states only what differs from a typical
// employment, so the condition under test stays visible.
import { catalogView } from '../../../src/mapping/catalog-view.js'
import { compileMapping, type CompiledMapping } from '../../../src/mapping/mapping-compiler.js'
import type { Condition, EmploymentFact, GroupFact, MappingDocument, MappingRule, PersonFacts } from '../../../src/mapping/mapping-types.js'
import type { CatalogAttributeInfo, CatalogView } from '../../../src/mapping/mapping-types.js'
import type { MappingValidationContext } from '../../../src/mapping/mapping-validator.js'
import { buildUnitTree, type UnitRecord, type UnitTree } from '../../../src/mapping/unit-tree.js'

export const DAY = '2025-06-01'

/** soc → soc-eb → soc-eb-norr, soc-eb-syd; soc → soc-bu; vof → vof-lss. */
export const UNITS: UnitRecord[] = [
  { id: 'soc', parent_id: null, kind: 'forvaltning', name: 'Socialförvaltningen' },
  { id: 'soc-eb', parent_id: 'soc', kind: 'avdelning', name: 'Ekonomiskt bistånd' },
  { id: 'soc-eb-norr', parent_id: 'soc-eb', kind: 'enhet', name: 'Ekonomiskt bistånd norr' },
  { id: 'soc-eb-syd', parent_id: 'soc-eb', kind: 'enhet', name: 'Ekonomiskt bistånd syd' },
  { id: 'soc-bu', parent_id: 'soc', kind: 'enhet', name: 'Barn och unga' },
  { id: 'vof', parent_id: null, kind: 'forvaltning', name: 'Vård- och omsorgsförvaltningen' },
  { id: 'vof-lss', parent_id: 'vof', kind: 'enhet', name: 'LSS-handläggning' }
]

let counter = 0
export function employment (overrides: Partial<EmploymentFact> = {}): EmploymentFact {
  counter++
  return {
    employment_id: `E-${1000 + counter}`,
    unit_id: 'soc-eb-norr',
    position_code: '151010',
    title: 'Socialsekreterare',
    employment_type: 'tillsvidare',
    extent: 100,
    start_date: '2021-03-01',
    end_date: null,
    ...overrides
  }
}

export function person (employments: EmploymentFact[], groups: GroupFact[] = [], id = 'p-1'): PersonFacts {
  return { person_id: id, employments, groups }
}

/** A catalog view over a plain table; ids not listed do not exist. */
export function catalog (attributes: Record<string, Partial<CatalogAttributeInfo>>): CatalogView {
  return catalogView(Object.entries(attributes).map(([id, a]) => ({ id, status: 'active' as const, scope: 'organisation' as const, ...a })))
}

export const CATALOG = catalog({
  'socialtjanst.eb.handlaggare': {},
  'socialtjanst.eb.enhetschef': { scope: 'unit' },
  'socialtjanst.bu.handlaggare': {},
  'socialtjanst.mott.handlaggare': {},
  'socialtjanst.fn.lss-handlaggare': { status: 'deprecated', replaced_by: 'socialtjanst.fn.handlaggare' },
  'socialtjanst.fn.handlaggare': {}
})

export function context (overrides: Partial<MappingValidationContext> = {}): MappingValidationContext {
  const known = new Set(UNITS.map((u) => u.id))
  return {
    catalog: (domain, version) => domain === 'socialtjanst' && version === '1.0.0' ? CATALOG : undefined,
    unitExists: (id) => known.has(id),
    groupExists: () => true,
    ...overrides
  }
}

export function mapping (rules: MappingRule[]): MappingDocument {
  return { domain: 'socialtjanst', catalog_version: '1.0.0', rules }
}

export function unitTree (): UnitTree {
  return buildUnitTree(UNITS)
}

/** One rule granting socialtjanst.eb.handlaggare under `when`, compiled. */
export function compileOne (when: Condition, grant = ['socialtjanst.eb.handlaggare'], version = 1): CompiledMapping {
  return compileMapping(mapping([{ id: 'r', when, grant }]), { mapping_version: version, catalog: CATALOG, units: unitTree() })
}

/** Whether the single-rule mapping grants anything to the person on DAY. */
export function matches (when: Condition, facts: PersonFacts): boolean {
  return compileOne(when).evaluatePerson(facts, DAY).length > 0
}
