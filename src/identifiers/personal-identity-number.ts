import { luhnValid } from './luhn.js'

/** The purpose a personnummer is sealed and lookup-hashed under (crypto/secret-box), wherever it is stored or looked up. */
export const PIN_PURPOSE = 'personal-identity-number'

export type PersonalIdentityNumberRule = 'format' | 'date' | 'checksum'

export type PersonalIdentityNumberResult =
  | { ok: true, value: string, coordinationNumber: boolean }
  | { ok: false, rule: PersonalIdentityNumberRule, message: string }

/**
 * Checks a Swedish personnummer or samordningsnummer in the 12-digit form the national
 * attribute uses (YYYYMMDDNNNC; `YYYYMMDD-NNNC` is accepted and normalised). The date
 * must exist (a samordningsnummer adds 60 to the day) and the last digit is a Luhn check
 * over the last ten. Messages never repeat the number: it is personal data.
 * The 10-digit forms (YYMMDD-NNNC / YYMMDD+NNNC) are refused: their century depends on
 * the day they were written, so converting them is guesswork.
 */
export function parsePersonalIdentityNumber (input: string): PersonalIdentityNumberResult {
  const compact = /^\d{8}-\d{4}$/.test(input) ? input.replace('-', '') : input
  if (!/^\d{12}$/.test(compact)) {
    return { ok: false, rule: 'format', message: 'must be 12 digits, YYYYMMDDNNNC (a hyphen before the last four is accepted)' }
  }
  const year = Number(compact.slice(0, 4))
  const month = Number(compact.slice(4, 6))
  const rawDay = Number(compact.slice(6, 8))
  const coordinationNumber = rawDay > 60
  const day = coordinationNumber ? rawDay - 60 : rawDay
  if (!isCalendarDate(year, month, day)) {
    return { ok: false, rule: 'date', message: 'the first eight digits are not a valid date (a samordningsnummer adds 60 to the day)' }
  }
  if (!luhnValid(compact.slice(2))) {
    return { ok: false, rule: 'checksum', message: 'last digit fails the Luhn check: the number is mistyped' }
  }
  return { ok: true, value: compact, coordinationNumber }
}

function isCalendarDate (year: number, month: number, day: number): boolean {
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}
