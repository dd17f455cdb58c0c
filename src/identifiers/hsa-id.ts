/**
 * An HSA-id (employeeHsaId, urn:oid:1.2.752.29.6.2.1): SE, the issuing directory owner's
 * 10-digit organisationsnummer, a hyphen, and a local part of letters and digits; at most
 * 31 characters. The same rule as a unit's hsa_id in schemas/hr-unit.schema.json.
 */
export const HSA_ID_PATTERN = '^SE[0-9]{10}-[A-Za-z0-9]+$'
export const HSA_ID_MAX_LENGTH = 31

const pattern = new RegExp(HSA_ID_PATTERN)

export function isHsaId (value: string): boolean {
  return value.length <= HSA_ID_MAX_LENGTH && pattern.test(value)
}
