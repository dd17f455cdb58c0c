/**
 * The CSV form of an HR snapshot: one row per employment, the JSON employment's fields as
 * columns, plus the unit's own columns. Column names are matched case-insensitively and
 * trimmed; columns not listed here are ignored (HR exports carry many).
 */
export const EMPLOYMENT_COLUMNS = [
  'employment_id', 'employee_number', 'given_name', 'family_name', 'email',
  'personal_identity_number', 'service_id', 'hsa_id', 'unit_id', 'position_code', 'title',
  'employment_type', 'start_date', 'end_date', 'extent'
] as const

/** Unit columns and the unit field each fills (`unit_id` also fills the employment's). */
export const UNIT_COLUMNS = {
  unit_id: 'id',
  unit_name: 'name',
  parent_unit_id: 'parent_id',
  unit_kind: 'kind',
  unit_hsa_id: 'hsa_id',
  unit_school_unit_code: 'school_unit_code'
} as const

/**
 * A header lacking any of these fails the whole file. `unit_name` is required because
 * units are only ever defined by rows: without it no employment could name a known unit.
 */
export const REQUIRED_COLUMNS = ['employee_number', 'unit_id', 'unit_name', 'start_date', 'employment_type'] as const

export const KNOWN_COLUMNS: ReadonlySet<string> = new Set([...EMPLOYMENT_COLUMNS, ...Object.keys(UNIT_COLUMNS)])

type UnitColumn = keyof typeof UNIT_COLUMNS

/** Unit field → the CSV column that carries it, for pointers and reasons. */
export function unitColumn (field: string): string {
  const entry = Object.entries(UNIT_COLUMNS).find(([, unitField]) => unitField === field)
  return entry ? entry[0] : field
}

/** A CSV row (column → trimmed text) as a JSON-shaped employment: empty cells are absent. */
export function employmentFromRow (row: ReadonlyMap<string, string>): Record<string, unknown> {
  const employment: Record<string, unknown> = {}
  for (const column of EMPLOYMENT_COLUMNS) {
    const text = row.get(column)
    if (text === undefined || text === '') continue
    employment[column] = column === 'extent' ? toNumber(text) : column === 'personal_identity_number' ? text.replace(/^(\d{8})-(\d{4})$/, '$1$2') : text
  }
  return employment
}

/** The unit a row defines, when it names one (`unit_id` and `unit_name` both filled). */
export function unitFromRow (row: ReadonlyMap<string, string>): Record<string, unknown> | undefined {
  if (!row.get('unit_id') || !row.get('unit_name')) return undefined
  const unit: Record<string, unknown> = {}
  for (const [column, field] of Object.entries(UNIT_COLUMNS) as Array<[UnitColumn, string]>) {
    const text = row.get(column)
    unit[field] = text === undefined || text === '' ? null : text
  }
  return unit
}

/** True when a row fills only unit columns: it defines a unit and holds no employment. */
export function isUnitOnlyRow (row: ReadonlyMap<string, string>): boolean {
  return EMPLOYMENT_COLUMNS.every((column) => column === 'unit_id' || !row.get(column))
}

// Swedish spreadsheets write decimals with a comma (50,5); a text that is no number stays
// text, so the schema reports it.
function toNumber (text: string): number | string {
  const normalised = text.replace(',', '.')
  return /^-?\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : text
}
