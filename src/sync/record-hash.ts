import { createHash } from 'node:crypto'
import type { AccountRecord, EmploymentRecord, GroupRecord } from '../sources/source-records.js'

/**
 * A digest of everything a source says about one employment, person fields included, so
 * "did this change since last run?" is one comparison. The personnummer enters only as its
 * keyed lookup hash.
 */
export function employmentRecordHash (r: EmploymentRecord, pinLookup: string | null): string {
  const fields = [
    r.employment_id, r.employee_number, r.given_name, r.family_name, r.email, pinLookup, r.service_id,
    r.unit_id, r.position_code, r.title, r.employment_type, r.start_date, r.end_date, r.extent,
    // Only when given, so records without one keep the hash they had before people carried HSA-ids.
    ...(r.hsa_id === null ? [] : [r.hsa_id])
  ]
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 32)
}

export function accountRecordHash (r: AccountRecord): string {
  const fields = [r.unique_id, r.dn, r.employee_number, r.email, r.display_name, r.given_name, r.family_name, r.disabled,
    // As for employments: only when read, so accounts keep their hashes where it is not.
    ...(r.hsa_id === undefined || r.hsa_id === null ? [] : [r.hsa_id]),
    // Tagged, so a user name is never taken for an HSA-id of the same text.
    ...(r.username === undefined || r.username === null ? [] : [{ username: r.username }])]
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 32)
}

/** Members are sorted first: a directory may list them in any order. */
export function groupRecordHash (r: GroupRecord): string {
  return createHash('sha256').update(JSON.stringify([r.dn, r.cn, [...r.members].sort()])).digest('base64url').slice(0, 32)
}
