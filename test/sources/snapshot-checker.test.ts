import t from 'tap'
import { SnapshotChecker } from '../../src/sources/snapshot-checker.js'
import type { EmploymentItem, EmploymentRecord, QuarantineItem, UnitItem } from '../../src/sources/source-records.js'

let row = 0
function unit (id: string, parentId: string | null = null): UnitItem {
  const r = row++
  return { type: 'unit', row: r, pointer: `/units/${r}`, record: { unit_id: id, name: id, parent_id: parentId, kind: null, hsa_id: null, school_unit_code: null } }
}

function employment (fields: Partial<EmploymentRecord> & { employee_number: string, unit_id: string }): EmploymentItem {
  const r = row++
  const record: EmploymentRecord = {
    employment_id: null,
    given_name: null,
    family_name: null,
    email: null,
    personal_identity_number: null,
    service_id: null,
    hsa_id: null,
    position_code: null,
    title: null,
    employment_type: 'tillsvidare',
    start_date: '2021-01-01',
    end_date: null,
    extent: 100,
    ...fields,
    employment_key: ''
  }
  record.employment_key = record.employment_id ?? `${record.employee_number}|${record.unit_id}|${record.start_date}`
  return { type: 'employment', row: r, pointer: `/employments/${r}`, record }
}

t.beforeEach(() => { row = 0 })

t.test('quarantines the second of two identical employments and keeps the first', async (t) => {
  const checker = new SnapshotChecker()
  t.equal(checker.addUnit(unit('soc')), undefined)
  const first = employment({ employee_number: '1', unit_id: 'soc' })
  t.equal(checker.addEmployment(first), undefined)
  const second = employment({ employee_number: '1', unit_id: 'soc', title: 'other' })
  t.match(checker.addEmployment(second), {
    type: 'quarantine',
    record_type: 'employment',
    row: second.row,
    pointer: second.pointer,
    code: 'duplicate-employment',
    reason: /same employee_number, unit_id and start_date as row 1/,
    employment_key: '1|soc|2021-01-01'
  })
  t.same([...checker.finish()], [])
})

t.test('employment ids decide identity when given', async (t) => {
  const checker = new SnapshotChecker()
  checker.addUnit(unit('soc'))
  t.equal(checker.addEmployment(employment({ employment_id: 'E-1', employee_number: '1', unit_id: 'soc' })), undefined)
  t.equal(checker.addEmployment(employment({ employment_id: 'E-2', employee_number: '1', unit_id: 'soc' })), undefined, 'two positions, same person, unit and day')
  t.match(checker.addEmployment(employment({ employment_id: 'E-1', employee_number: '9', unit_id: 'soc' })), { code: 'duplicate-employment', reason: /employment_id E-1/ })
})

t.test('at the end, takes back employments whose unit never appeared', async (t) => {
  const checker = new SnapshotChecker()
  const early = employment({ employee_number: '1', unit_id: 'soc-eb' })
  checker.addEmployment(early)
  const orphan = employment({ employee_number: '2', unit_id: 'nowhere' })
  checker.addEmployment(orphan)
  checker.addUnit(unit('soc'))
  checker.addUnit(unit('soc-eb', 'soc')) // defined after the employment: fine
  const findings = [...checker.finish()]
  t.same(findings, [{
    type: 'quarantine',
    record_type: 'employment',
    row: orphan.row,
    pointer: `${orphan.pointer}/unit_id`,
    code: 'unknown-unit',
    reason: 'unit nowhere is not defined in the snapshot',
    problems: [{ pointer: `${orphan.pointer}/unit_id`, code: 'unknown-unit', reason: 'unit nowhere is not defined in the snapshot' }],
    employment_key: '2|nowhere|2021-01-01'
  }])
})

t.test('a parent that is never defined takes its subtree and their employments with it', async (t) => {
  const checker = new SnapshotChecker()
  checker.addUnit(unit('soc-eb', 'soc'))
  checker.addUnit(unit('soc-eb-norr', 'soc-eb'))
  checker.addUnit(unit('kultur'))
  checker.addEmployment(employment({ employee_number: '1', unit_id: 'soc-eb-norr' }))
  checker.addEmployment(employment({ employee_number: '2', unit_id: 'kultur' }))
  const findings = [...checker.finish()]
  t.same(findings.map((f) => [f.code, f.unit_id ?? f.employment_key, f.pointer]), [
    ['unknown-parent-unit', 'soc-eb', '/units/0/parent_id'],
    ['unknown-parent-unit', 'soc-eb-norr', '/units/1/parent_id'],
    ['unknown-unit', '1|soc-eb-norr|2021-01-01', '/employments/3/unit_id']
  ])
  t.match(findings[0]?.reason, 'parent unit soc is not defined in the snapshot')
  t.match(findings[2]?.reason, /unit soc-eb-norr is quarantined/)
})

t.test('units whose parents form a cycle are quarantined', async (t) => {
  const checker = new SnapshotChecker()
  checker.addUnit(unit('a', 'b'))
  checker.addUnit(unit('b', 'a'))
  checker.addUnit(unit('c', 'a'))
  checker.addUnit(unit('self', 'self'))
  checker.addUnit(unit('root'))
  const findings = [...checker.finish()]
  const byUnit = new Map(findings.map((f): [string | undefined, QuarantineItem] => [f.unit_id, f]))
  t.equal(byUnit.get('a')?.code, 'unit-cycle')
  t.equal(byUnit.get('b')?.code, 'unit-cycle')
  t.equal(byUnit.get('self')?.code, 'unit-cycle')
  t.equal(byUnit.get('c')?.code, 'unknown-parent-unit')
  t.notOk(byUnit.has('root'))
  t.equal(findings.length, 4)
})

t.test('a unit defined twice: the second is quarantined', async (t) => {
  const checker = new SnapshotChecker()
  checker.addUnit(unit('soc'))
  t.match(checker.addUnit(unit('soc')), { code: 'duplicate-unit', pointer: '/units/1/id', unit_id: 'soc', reason: /\/units\/0 is kept/ })
})

t.test('CSV rows are named by their columns', async (t) => {
  const checker = new SnapshotChecker()
  checker.addUnit({ type: 'unit', row: 2, pointer: '/rows/2', record: { unit_id: 'eb', name: 'EB', parent_id: 'soc', kind: null, hsa_id: null, school_unit_code: null } })
  const [finding] = [...checker.finish()]
  t.equal(finding?.pointer, '/rows/2/parent_unit_id')
})

t.test('accepts a chain of units 5 000 levels deep', async (t) => {
  const checker = new SnapshotChecker()
  checker.addUnit(unit('u0'))
  for (let i = 1; i < 5000; i++) checker.addUnit(unit(`u${i}`, `u${i - 1}`))
  t.same([...checker.finish()], [])
})

t.test('quarantines an employment giving another employee number\'s HSA-id, at its hsa_id', async (t) => {
  const checker = new SnapshotChecker()
  checker.addUnit(unit('soc'))
  t.equal(checker.addEmployment(employment({ employee_number: '1', unit_id: 'soc', hsa_id: 'SE2120001124-A1' })), undefined)
  t.equal(checker.addEmployment(employment({ employee_number: '1', unit_id: 'soc', start_date: '2022-01-01', hsa_id: 'SE2120001124-A1' })), undefined, 'the same person may give it on each employment')
  t.match(checker.addEmployment(employment({ employee_number: '2', unit_id: 'soc', hsa_id: 'SE2120001124-A1' })), {
    code: 'duplicate-hsa-id', pointer: '/employments/3/hsa_id', employment_key: '2|soc|2021-01-01', reason: /employee number 1 at \/employments\/1/
  })
  t.equal(checker.addEmployment(employment({ employee_number: '2', unit_id: 'soc', start_date: '2023-01-01' })), undefined, 'without it, the same person is fine')
})
