/**
 * The normalised records every connector (HR snapshot, SCIM, LDAP) yields. The sync engine
 * reads only these types and never knows which connector produced them.
 *
 * Where a record came from is told by `row` and `pointer`:
 * - JSON snapshot: `row` is the 0-based index in its array and `pointer` the record's JSON
 *   Pointer, `/units/3` or `/employments/17` (a field: `/employments/17/start_date`).
 * - CSV snapshot: `row` is the record's row number counting the header as row 1 and blank
 *   lines too — the row number a spreadsheet shows — and `pointer` is `/rows/<row>`
 *   (a field: `/rows/18/start_date`, named by its column). A header problem is `/header/<column>`.
 */

export const EMPLOYMENT_TYPES = ['tillsvidare', 'visstid', 'vikariat', 'timavlonad', 'uppdrag'] as const
export type EmploymentType = typeof EMPLOYMENT_TYPES[number]

export interface UnitRecord {
  unit_id: string
  name: string
  parent_id: string | null
  kind: string | null
  hsa_id: string | null
  /** The skolenhetskod (Skolverket's Skolenhetsregistret), 8 digits, checked. */
  school_unit_code: string | null
}

export interface EmploymentRecord {
  /** `employment_id` when the source gives one, else `employee_number|unit_id|start_date`. */
  employment_key: string
  employment_id: string | null
  employee_number: string
  given_name: string | null
  family_name: string | null
  email: string | null
  /** 12 digits, checked; sensitive: store encrypted, never log. */
  personal_identity_number: string | null
  service_id: string | null
  /** The person's HSA-id (SE + orgnr + '-' + letters and digits), checked. */
  hsa_id: string | null
  unit_id: string
  position_code: string | null
  title: string | null
  employment_type: EmploymentType
  /** YYYY-MM-DD */
  start_date: string
  /** YYYY-MM-DD, inclusive; null while open-ended. */
  end_date: string | null
  /** Percent of full time, 0–100, or null when unknown. */
  extent: number | null
}

export type RecordType = 'unit' | 'employment' | 'account' | 'group'

/** Why a record was quarantined; stable, for counting and filtering. */
export type QuarantineCode =
  | 'not-an-object'
  | 'missing-field'
  | 'unknown-field'
  | 'invalid-field'
  | 'missing-employee-number'
  | 'malformed-date'
  | 'end-before-start'
  | 'bad-personal-identity-number'
  | 'bad-employment-type'
  | 'extent-out-of-range'
  | 'bad-email'
  | 'column-count'
  | 'conflicting-unit'
  | 'duplicate-unit'
  | 'duplicate-employment'
  | 'duplicate-hsa-id'
  | 'duplicate-account'
  | 'duplicate-group'
  | 'unknown-unit'
  | 'unknown-parent-unit'
  | 'unit-cycle'

export interface QuarantineProblem {
  /** JSON Pointer to the offending field (or the record). */
  pointer: string
  code: QuarantineCode
  /** Human-readable; never contains a personnummer. */
  reason: string
}

export interface SourceLocation {
  row: number
  /** Pointer to the whole record: `/employments/17`, `/units/3`, `/rows/18`. */
  pointer: string
}

export interface UnitItem extends SourceLocation { type: 'unit', record: UnitRecord }
export interface EmploymentItem extends SourceLocation { type: 'employment', record: EmploymentRecord }

/**
 * A record that was not accepted. `pointer`, `code` and `reason` repeat the first of
 * `problems` (a record may have several). `raw` is the record as received, minus any
 * personnummer, so an integrator can see what to fix. `employment_key` / `unit_id`
 * identify the record where that is known; the snapshot checker's `finish()` uses them
 * to take back records it had accepted.
 */
export interface QuarantineItem extends QuarantineProblem {
  type: 'quarantine'
  record_type: RecordType
  row: number
  problems: QuarantineProblem[]
  raw?: unknown
  employment_key?: string
  unit_id?: string
}

/** A directory account (LDAP/AD entry or SCIM User). DNs are normalised (directory/dn). */
export interface AccountRecord {
  /** entryUUID, objectGUID or the SCIM id: stable across renames and moves. */
  unique_id: string
  dn: string
  employee_number: string | null
  email: string | null
  display_name: string | null
  given_name: string | null
  family_name: string | null
  /** The person's HSA-id, where the source reads one (an ldap source's attributes.hsa_id); correlation may match on it. */
  hsa_id?: string | null
  /**
   * The account's user name, where the source reads one (an ldap source's attributes.username,
   * a SCIM User's userName): what an eduPersonPrincipalName login names the person by.
   */
  username?: string | null
  /** Disabled accounts stay known but grant nothing (AD userAccountControl bit 2, or a configured attribute). */
  disabled: boolean
}

/** A directory group with its direct members' DNs (accounts or nested groups), normalised. */
export interface GroupRecord {
  dn: string
  cn: string | null
  members: string[]
}

export interface AccountItem extends SourceLocation { type: 'account', record: AccountRecord }
export interface GroupItem extends SourceLocation { type: 'group', record: GroupRecord }

export type SourceItem = UnitItem | EmploymentItem | AccountItem | GroupItem | QuarantineItem

/** The key an employment is known by across runs (DESIGN.md: id, else employee number, unit and start date). */
export function employmentKey (record: Pick<EmploymentRecord, 'employment_id' | 'employee_number' | 'unit_id' | 'start_date'>): string {
  return record.employment_id ?? `${record.employee_number}|${record.unit_id}|${record.start_date}`
}
