import type { SecretBox } from '../crypto/secret-box.js'
import { PIN_PURPOSE } from '../identifiers/personal-identity-number.js'
import { SnapshotChecker } from '../sources/snapshot-checker.js'
import type { AccountItem, EmploymentItem, GroupItem, QuarantineItem, SourceItem } from '../sources/source-records.js'
import { accountRecordHash, employmentRecordHash, groupRecordHash } from './record-hash.js'
import type { QuarantineRow, StagedAccountRow, StagedEmploymentRow, StagedGroupRow, StagedUnitRow, StagingRepository } from './staging-repository.js'

export interface StageCounts { read: number, quarantined: number, units: number, employments: number, accounts: number, groups: number }

const BATCH = 2000

/**
 * Streams a connector's items into the run's staging tables in batches, so memory stays
 * flat whatever the snapshot's size. Whole-snapshot checks (duplicates, unknown units) run
 * through the SnapshotChecker, which may take back rows staged earlier.
 */
export async function stageItems (runId: string, items: AsyncIterable<SourceItem>, deps: { staging: StagingRepository, box: SecretBox, analyze?: boolean }): Promise<StageCounts> {
  const checker = new SnapshotChecker()
  const counts: StageCounts = { read: 0, quarantined: 0, units: 0, employments: 0, accounts: 0, groups: 0 }
  let employments: StagedEmploymentRow[] = []
  let units: StagedUnitRow[] = []
  let quarantine: QuarantineRow[] = []
  let accounts: StagedAccountRow[] = []
  let groups: StagedGroupRow[] = []
  const seenAccounts = new Set<string>()
  const seenGroups = new Set<string>()

  // One batch is written while the next is parsed: the store works on the other core.
  let inFlight: Promise<void> = Promise.resolve()
  const flush = async (): Promise<void> => {
    const batch = { units, employments, quarantine, accounts, groups }
    employments = []; units = []; quarantine = []; accounts = []; groups = []
    await inFlight
    inFlight = (async () => {
      await deps.staging.insertUnits(batch.units)
      await deps.staging.insertEmployments(batch.employments)
      await deps.staging.insertQuarantine(batch.quarantine)
      await deps.staging.insertAccounts(batch.accounts)
      await deps.staging.insertGroups(batch.groups)
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
    if (item.type !== 'unit' && item.type !== 'group') counts.read++
    if (item.type === 'quarantine') { hold(item); continue }
    if (item.type === 'account') {
      if (seenAccounts.has(item.record.unique_id)) { hold(duplicate(item, `account ${item.record.unique_id} appears twice; the first is kept`)); continue }
      seenAccounts.add(item.record.unique_id)
      counts.accounts++
      accounts.push(toStagedAccount(runId, item))
    } else if (item.type === 'group') {
      if (seenGroups.has(item.record.dn)) { hold(duplicate(item, `group ${item.record.dn} appears twice; the first is kept`)); continue }
      seenGroups.add(item.record.dn)
      counts.groups++
      groups.push({ run_id: runId, dn: item.record.dn, cn: item.record.cn, record_hash: groupRecordHash(item.record), members: [...new Set(item.record.members)] })
    } else if (item.type === 'unit') {
      const dup = checker.addUnit(item)
      if (dup) { hold(dup); continue }
      counts.units++
      const r = item.record
      units.push({ run_id: runId, unit_id: r.unit_id, name: r.name, parent_id: r.parent_id, kind: r.kind, hsa_id: r.hsa_id, school_unit_code: r.school_unit_code })
    } else {
      const dup = checker.addEmployment(item)
      if (dup) { hold(dup); continue }
      counts.employments++
      employments.push(toStagedEmployment(runId, item, deps.box))
    }
    if (employments.length + units.length + quarantine.length + accounts.length + groups.length >= BATCH) await flush()
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
  // A bulk load gets fresh statistics; a push of a few rows does not need them.
  if (deps.analyze !== false) await deps.staging.analyze()
  return counts
}

function toStagedAccount (runId: string, item: AccountItem): StagedAccountRow {
  const r = item.record
  return {
    run_id: runId,
    unique_id: r.unique_id,
    row_number: item.row,
    dn: r.dn,
    employee_number: r.employee_number,
    email: r.email,
    display_name: r.display_name,
    given_name: r.given_name,
    family_name: r.family_name,
    hsa_id: r.hsa_id ?? null,
    username: r.username ?? null,
    disabled: r.disabled,
    record_hash: accountRecordHash(r)
  }
}

function duplicate (item: AccountItem | GroupItem, reason: string): QuarantineItem {
  const problem = { pointer: item.pointer, code: item.type === 'account' ? 'duplicate-account' as const : 'duplicate-group' as const, reason }
  return { type: 'quarantine', record_type: item.type, row: item.row, ...problem, problems: [problem] }
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
    hsa_id: r.hsa_id,
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
