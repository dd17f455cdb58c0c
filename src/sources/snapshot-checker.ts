import type { EmploymentItem, QuarantineItem, UnitItem } from './source-records.js'

interface EmploymentRef { row: number, pointer: string, key: string }
interface UnitRef { row: number, pointer: string, parentId: string | null }

/**
 * The checks that need the whole snapshot: duplicate units and employments, one HSA-id
 * given to two employee numbers, employments
 * in units the snapshot never defines, units whose parent is missing or whose parents
 * form a cycle. Feed it every accepted unit and employment while staging them, then call
 * `finish()` once the reader is done.
 *
 * `addUnit` / `addEmployment` answer at once for duplicates (the later record is
 * quarantined, the first kept: do not stage it). `finish()` answers for the rest and may
 * take back records accepted earlier: each of its items names the `employment_key` or
 * `unit_id` to remove from staging.
 *
 * Memory: only keys, unit ids and row pointers are kept — O(rows) short strings, about
 * 20 MB for 100 000 employments — never the records themselves, so the engine can stream
 * records into a staging table and still get these checks.
 */
export class SnapshotChecker {
  private readonly units = new Map<string, UnitRef>()
  private readonly employmentRows = new Map<string, number>()
  private readonly employmentsByUnit = new Map<string, EmploymentRef[]>()
  private readonly usable = new Set<string>()
  /** HSA-id → the first employment giving it: an HSA-id names one person in an organisation. */
  private readonly hsaIds = new Map<string, { employeeNumber: string, pointer: string }>()

  addUnit (item: UnitItem): QuarantineItem | undefined {
    const id = item.record.unit_id
    const first = this.units.get(id)
    if (first) {
      return finding(item, 'unit', `${item.pointer}/${idField(item.pointer)}`, 'duplicate-unit',
        `unit ${id} is defined twice; the definition at ${first.pointer} is kept`, { unit_id: id })
    }
    this.units.set(id, { row: item.row, pointer: item.pointer, parentId: item.record.parent_id })
    return undefined
  }

  addEmployment (item: EmploymentItem): QuarantineItem | undefined {
    const key = item.record.employment_key
    const firstRow = this.employmentRows.get(key)
    if (firstRow !== undefined) {
      const what = item.record.employment_id !== null ? `employment_id ${key}` : 'employee_number, unit_id and start_date'
      return finding(item, 'employment', item.pointer, 'duplicate-employment',
        `duplicate employment: same ${what} as row ${firstRow}; the first is kept`, { employment_key: key })
    }
    const hsaId = item.record.hsa_id
    const holder = hsaId === null ? undefined : this.hsaIds.get(hsaId)
    if (holder && holder.employeeNumber !== item.record.employee_number) {
      return finding(item, 'employment', `${item.pointer}/hsa_id`, 'duplicate-hsa-id',
        `HSA-id ${hsaId as string} is already given to employee number ${holder.employeeNumber} at ${holder.pointer}; the first is kept`, { employment_key: key })
    }
    if (hsaId !== null && !holder) this.hsaIds.set(hsaId, { employeeNumber: item.record.employee_number, pointer: item.pointer })
    this.employmentRows.set(key, item.row)
    const refs = this.employmentsByUnit.get(item.record.unit_id)
    const ref = { row: item.row, pointer: item.pointer, key }
    if (refs) refs.push(ref)
    else this.employmentsByUnit.set(item.record.unit_id, [ref])
    return undefined
  }

  /** End-of-snapshot findings: bad units first, then employments whose unit is unknown or bad. */
  * finish (): Generator<QuarantineItem> {
    const bad = new Map<string, QuarantineItem>()
    for (const id of this.units.keys()) this.resolve(id, bad)
    yield * bad.values()
    for (const [unitId, refs] of this.employmentsByUnit) {
      if (this.units.has(unitId) && !bad.has(unitId)) continue
      const why = this.units.has(unitId) ? `unit ${unitId} is quarantined: ${bad.get(unitId)?.reason ?? ''}` : `unit ${unitId} is not defined in the snapshot`
      for (const ref of refs) {
        yield finding(ref, 'employment', `${ref.pointer}/unit_id`, 'unknown-unit', why, { employment_key: ref.key })
      }
    }
  }

  /** Walks up from `id` and settles every unit on the way: usable, or quarantined with why. */
  private resolve (id: string, bad: Map<string, QuarantineItem>): void {
    const path: string[] = []
    const onPath = new Set<string>()
    let current: string | null = id
    let outcome: 'ok' | 'bad' | 'cycle' = 'ok'
    while (current !== null && !this.usable.has(current)) {
      const unit = this.units.get(current)
      if (!unit || bad.has(current)) { outcome = 'bad'; break }
      if (onPath.has(current)) { outcome = 'cycle'; break }
      path.push(current)
      onPath.add(current)
      current = unit.parentId
    }
    const cycleStart = outcome === 'cycle' ? path.indexOf(current as string) : path.length
    path.forEach((unitId, index) => {
      if (outcome === 'ok') { this.usable.add(unitId); return }
      const unit = this.units.get(unitId) as UnitRef
      const parent = unit.parentId as string
      const [code, reason] = index >= cycleStart
        ? ['unit-cycle', `unit ${unitId} is its own ancestor through parent_id`] as const
        : this.units.has(parent)
          ? ['unknown-parent-unit', `parent unit ${parent} is quarantined`] as const
          : ['unknown-parent-unit', `parent unit ${parent} is not defined in the snapshot`] as const
      bad.set(unitId, finding(unit, 'unit', `${unit.pointer}/${idField(unit.pointer, 'parent')}`, code, reason, { unit_id: unitId }))
    })
  }
}

function finding (
  at: { row: number, pointer: string }, recordType: 'unit' | 'employment', pointer: string,
  code: QuarantineItem['code'], reason: string, names: { employment_key?: string, unit_id?: string }
): QuarantineItem {
  const problem = { pointer, code, reason }
  return { type: 'quarantine', record_type: recordType, row: at.row, ...problem, problems: [problem], ...names }
}

/** CSV rows name unit fields by their columns; JSON units by the schema's names. */
function idField (recordPointer: string, field: 'id' | 'parent' = 'id'): string {
  const csv = recordPointer.startsWith('/rows/')
  if (field === 'parent') return csv ? 'parent_unit_id' : 'parent_id'
  return csv ? 'unit_id' : 'id'
}
