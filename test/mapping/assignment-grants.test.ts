import t from 'tap'
import { withAssignments, type AssignedGrant } from '../../src/mapping/assignment-grants.js'
import type { RuleGrant } from '../../src/mapping/mapping-types.js'

const ATTRIBUTE = 'socialtjanst.eb.handlaggare'
const actor = { kind: 'platform-admin' } as const
const assignment = (id: string, from: string, until: string, unit: string | null = 'soc-eb-norr'): AssignedGrant =>
  ({ id, person_id: 'p', attribute_id: ATTRIBUTE, unit_id: unit, valid_from: from, valid_until: until, reason: `r-${id}`, granted_by: actor })
const rule = (from: string, until: string | null): RuleGrant =>
  ({ attribute_id: ATTRIBUTE, unit_id: 'soc-eb-norr', valid_from: from, valid_until: until, provenance: [{ mapping_version: 1, rule_id: 'eb', employment_ids: ['e1'], group_dns: [], group_via: {} }] })

t.test('an assignment nothing else grants is a grant of its own period', async (t) => {
  t.same(withAssignments([], [assignment('a', '2025-06-10', '2025-06-20')]), [
    { attribute_id: ATTRIBUTE, unit_id: 'soc-eb-norr', valid_from: '2025-06-10', valid_until: '2025-06-20', provenance: [{ assignment: 'a', granted_by: actor, reason: 'r-a' }] }
  ])
})

t.test('one overlapping a rule\'s grant joins it: both provenances, the union of the periods', async (t) => {
  const [merged] = withAssignments([rule('2025-01-01', '2025-06-15')], [assignment('a', '2025-06-10', '2025-06-30')])
  t.match(merged, { valid_from: '2025-01-01', valid_until: '2025-06-30', provenance: [{ rule_id: 'eb' }, { assignment: 'a' }] })
  const [open] = withAssignments([rule('2025-01-01', null)], [assignment('a', '2024-12-01', '2025-06-30')])
  t.match(open, { valid_from: '2024-12-01', valid_until: null }, 'an open-ended rule grant stays open')
})

t.test('one that does not overlap what is held waits: no gap is ever released', async (t) => {
  const [held] = withAssignments([rule('2025-01-01', '2025-06-15')], [assignment('a', '2025-07-01', '2025-07-31')])
  t.match(held, { valid_from: '2025-01-01', valid_until: '2025-06-15' })
  t.equal(held?.provenance.length, 1)
  const [first] = withAssignments([], [assignment('a', '2025-06-01', '2025-06-10'), assignment('b', '2025-07-01', '2025-07-10')])
  t.match(first, { valid_from: '2025-06-01', valid_until: '2025-06-10', provenance: [{ assignment: 'a' }] })
})

t.test('other units and attributes stay apart, in (attribute, unit) order', async (t) => {
  const grants = withAssignments([rule('2025-01-01', null)], [assignment('a', '2025-06-01', '2025-06-10', 'soc-eb-syd')])
  t.same(grants.map((g) => g.unit_id), ['soc-eb-norr', 'soc-eb-syd'])
})
