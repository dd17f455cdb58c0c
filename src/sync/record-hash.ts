import { createHash } from 'node:crypto'
import type { EmploymentRecord } from '../sources/source-records.js'

/**
 * A digest of everything a source says about one employment, person fields included, so
 * "did this change since last run?" is one comparison. The personnummer enters only as its
 * keyed lookup hash.
 */
export function employmentRecordHash (r: EmploymentRecord, pinLookup: string | null): string {
  const fields = [
    r.employment_id, r.employee_number, r.given_name, r.family_name, r.email, pinLookup, r.service_id,
    r.unit_id, r.position_code, r.title, r.employment_type, r.start_date, r.end_date, r.extent
  ]
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 32)
}
