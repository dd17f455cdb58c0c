import type { SecretBox } from '../crypto/secret-box.js'
import { SnapshotChecker } from '../sources/snapshot-checker.js'
import type { EmploymentItem, QuarantineItem, SourceItem } from '../sources/source-records.js'
import { employmentRecordHash } from './record-hash.js'
import type { QuarantineRow, StagedEmploymentRow, StagedUnitRow, StagingRepository } from './staging-repository.js'

export interface StageCounts { read: number, quarantined: number, units: number, employments: number }

const BATCH = 2000
export const PIN_PURPOSE = 'personal-identity-number'

/**
 * Streams a connector's items into the run's staging tables in batches, so memory stays
 * flat whatever the snapshot's size. Whole-snapshot checks (duplicates, unknown units) run
 * through the SnapshotChecker, which may take back rows staged earlier.
 */
export async function stageItems (runId: string, items: AsyncIterable<SourceItem>, deps: { staging: StagingRepository, box: SecretBox }): Promise<StageCounts> {
  const checker = new SnapshotChecker()
  const counts: StageCounts = { read: 0, quarantined: 0, units: 0, employments: 0 }
  let employments: StagedEmploymentRow[] = []
  let units: StagedUnitRow[] = []
  let quarantine: QuarantineRow[] = []

  // One batch is written while the next is parsed: the store works on the other core.
  let inFlight: Promise<void> = Promise.resolve()
  const flush = async (): Promise<void> => {
    const batch = { units, employments, quarantine }
    employments = []; units = []; quarantine = []
    await inFlight
    inFlight = (async () => {
      await deps.staging.insertUnits(batch.units)
      await deps.staging.insertEmployments(batch.employments)
      await deps.staging.insertQuarantine(batch.quarantine)
    })()
    // Surface a failed write at the next flush at the latest, never as an unhandled rejection.
    inFlight.catch(() => {})
  }
  const drain = async (): Promise<void> => { await flush(); await inFlight }
  const hold = (q: QuarantineItem): void => {
    counts.quarantined++
    quarantine.push(toQuarantineRow(runId, counts.quarantined, q))
  }

  for await (const item of items) {
    if (item.type !== 'unit') counts.read++
    if (item.type === 'quarantine') { hold(item); continue }
    if (item.type === 'unit') {
      const dup = checker.addUnit(item)
      if (dup) { hold(dup); continue }
      counts.units++
      const r = item.record
      units.push({ run_id: runId, unit_id: r.unit_id, name: r.name, parent_id: r.parent_id, kind: r.kind, hsa_id: r.hsa_id })
    } else {
      const dup = checker.addEmployment(item)
      if (dup) { hold(dup); continue }
      counts.employments++
      employments.push(toStagedEmployment(runId, item, deps.box))
    }
    if (employments.length + units.length + quarantine.length >= BATCH) await flush()
  }
  await drain()

  const takeBackEmployments: string[] = []
  const takeBackUnits: string[] = []
  for (const finding of checker.finish()) {
    hold(finding)
    if (finding.employment_key !== undefined) { takeBackEmployments.push(finding.employment_key); counts.employments-- }
    if (finding.unit_id !== undefined && finding.record_type === 'unit') { takeBackUnits.push(finding.unit_id); counts.units-- }
    if (quarantine.length >= BATCH) await flush()
  }
  await drain()
  for (let i = 0; i < takeBackEmployments.length; i += BATCH) await deps.staging.removeEmployments(runId, takeBackEmployments.slice(i, i + BATCH))
  for (let i = 0; i < takeBackUnits.length; i += BATCH) await deps.staging.removeUnits(runId, takeBackUnits.slice(i, i + BATCH))
  await deps.staging.analyze()
  return counts
}

function toStagedEmployment (runId: string, item: EmploymentItem, box: SecretBox): StagedEmploymentRow {
  const r = item.record
  const pin = r.personal_identity_number
  const pinLookup = pin ? box.lookupHash(pin, PIN_PURPOSE) : null
  return {
    run_id: runId,
    key: r.employment_key,
    row_number: item.row,
    employment_id: r.employment_id,
    employee_number: r.employee_number,
    given_name: r.given_name,
    family_name: r.family_name,
    email: r.email,
    pin_sealed: pin ? box.seal(pin, PIN_PURPOSE) : null,
    pin_lookup: pinLookup,
    service_id: r.service_id,
    unit_id: r.unit_id,
    position_code: r.position_code,
    title: r.title,
    employment_type: r.employment_type,
    start_date: r.start_date,
    end_date: r.end_date,
    extent: r.extent,
    record_hash: employmentRecordHash(r, pinLookup)
  }
}

function toQuarantineRow (runId: string, seq: number, q: QuarantineItem): QuarantineRow {
  return {
    run_id: runId,
    seq,
    row_number: q.row,
    record_type: q.record_type,
    pointer: q.pointer,
    code: q.code,
    reason: q.reason,
    problems: JSON.stringify(q.problems),
    raw: q.raw === undefined ? null : JSON.stringify(q.raw)
  }
}
