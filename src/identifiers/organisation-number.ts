import { luhnValid } from './luhn.js'

export type OrganisationNumberRule = 'format' | 'third-digit' | 'checksum'

export type OrganisationNumberResult =
  | { ok: true, value: string }
  | { ok: false, rule: OrganisationNumberRule, message: string }

/**
 * Checks a Swedish organisationsnummer: 10 digits (a hyphen after the sixth is accepted
 * where `allowHyphen`), third digit ≥ 2, Luhn check digit. Returns the 10-digit form.
 */
export function parseOrganisationNumber (input: string, allowHyphen = true): OrganisationNumberResult {
  const compact = allowHyphen && /^\d{6}-\d{4}$/.test(input) ? input.replace('-', '') : input
  if (!/^\d{10}$/.test(compact)) {
    return {
      ok: false,
      rule: 'format',
      message: allowHyphen
        ? 'must be 10 digits, optionally written NNNNNN-NNNN'
        : 'must be exactly 10 digits without a hyphen'
    }
  }
  if (Number(compact[2]) < 2) {
    return { ok: false, rule: 'third-digit', message: 'third digit must be 2 or higher (it distinguishes organisations from personal identity numbers)' }
  }
  if (!luhnValid(compact)) {
    return { ok: false, rule: 'checksum', message: 'last digit fails the Luhn check: the number is mistyped' }
  }
  return { ok: true, value: compact }
}
