import t from 'tap'
import fc from 'fast-check'
import { buildPersonContext, compileCondition } from '../../src/mapping/condition-compiler.js'
import { normaliseDn } from '../../src/directory/dn-normaliser.js'
import type { Condition, EmploymentFact } from '../../src/mapping/mapping-types.js'
import { buildRuleIndex } from '../../src/mapping/rule-index.js'
import { employment, UNITS, unitTree } from './helpers/mapping-builders.js'
import { propertyRuns } from '../helpers/property-runs.js'

const units = unitTree()
const CODES = ['151010', '151020', '131010']
const GROUPS = ['cn=A,ou=groups,dc=exempel,dc=se', 'cn=B,ou=groups,dc=exempel,dc=se']
const UNIT_IDS = UNITS.map((u) => u.id)

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.subarray(CODES, { minLength: 1 }).map((codes) => ({ position_codes: codes })),
  fc.subarray(GROUPS, { minLength: 1 }).map((groups) => ({ groups })),
  fc.constantFrom(...UNIT_IDS).map((unit) => ({ unit_within: unit })),
  fc.constantFrom(...UNIT_IDS).map((unit) => ({ unit_within: [unit, 'vof'] })),
  fc.constant<Condition>({ employment_types: ['tillsvidare'] })
)
const condition: fc.Arbitrary<Condition> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all: all as Condition[] })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any: any as Condition[] })), tie('node').map((not) => ({ not: not as Condition })),
    fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })))
})).node as fc.Arbitrary<Condition>
const job: fc.Arbitrary<EmploymentFact> = fc.record({ unit: fc.constantFrom(...UNIT_IDS, 'unknown-unit'), code: fc.constantFrom(...CODES, null), type: fc.constantFrom('tillsvidare' as const, 'visstid' as const) })
  .map(({ unit, code, type }) => employment({ unit_id: unit, position_code: code, employment_type: type }))

t.test('the rule index never leaves out a rule that matches', async (t) => {
  fc.assert(fc.property(fc.array(condition, { minLength: 1, maxLength: 6 }), fc.array(job, { minLength: 1, maxLength: 3 }), fc.subarray(GROUPS), (conditions, jobs, groups) => {
    const person = buildPersonContext(groups.map((dn) => ({ dn })), normaliseDn)
    const candidates = new Set(buildRuleIndex(conditions, units, normaliseDn).candidates(jobs, person))
    conditions.forEach((c, i) => {
      const node = compileCondition(c, units)
      if (jobs.some((e) => node.test(e, person))) t.ok(candidates.has(i), `rule ${i} ${JSON.stringify(c)} is a candidate`)
    })
  }), { numRuns: propertyRuns(500) })
})

t.test('the index files rules under a required code, group or subtree and finds them through the person', async (t) => {
  const conditions: Condition[] = [
    { position_codes: ['151010'], unit_within: 'soc-eb' },
    { all: [{ groups: [GROUPS[0]!] }, { unit_within: 'soc' }] },
    { unit_within: 'soc-eb', any: [{ position_codes: ['131010'] }, { groups: [GROUPS[1]!] }] },
    { any: [{ position_codes: ['131010'] }, { unit_within: 'vof' }] }
  ]
  const index = buildRuleIndex(conditions, units, normaliseDn)
  const none = buildPersonContext([], normaliseDn)
  t.same(index.candidates([employment({ unit_id: 'soc-eb-norr', position_code: '151010' })], none), [0, 2, 3])
  t.same(index.candidates([employment({ unit_id: 'soc-bu', position_code: '131010' })], none), [3])
  t.same(index.candidates([employment({ unit_id: 'soc-bu', position_code: null })], buildPersonContext([{ dn: 'CN=A, ou=groups, dc=exempel, dc=se' }], normaliseDn)), [1, 3])
})
