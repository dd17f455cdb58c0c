/**
 * LDAP GeneralizedTime (RFC 4517 §3.3.13), as modifyTimestamp and AD's whenChanged carry
 * it: `YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|±HH[MM])`, e.g. `20240501101500Z`.
 */
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/

// Date-time with an explicit zone, so the instant does not depend on the server's time zone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/

/** The instant as an ISO 8601 UTC string (`2024-05-01T10:15:00.000Z`), or null when the value is not GeneralizedTime. */
export function parseGeneralizedTime (value: string): string | null {
  const m = GENERALIZED_TIME.exec(value)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number]
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null
  const fraction = m[7]
  const zone = m[8] as string
  // A fraction belongs to the last unit given (RFC 4517): of a second, a minute or an hour.
  const unitMs = m[6] !== undefined ? 1000 : m[5] !== undefined ? 60_000 : 3_600_000
  let ms = Date.UTC(y, mo - 1, d, h, mi, s) + (fraction ? Math.floor(Number(`0.${fraction}`) * unitMs) : 0)
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5) || 0)) * 60_000
  }
  return new Date(ms).toISOString()
}

/**
 * `since` for a modifyTimestamp filter: an ISO 8601 instant or a GeneralizedTime, as
 * `YYYYMMDDHHMMSSZ`. Milliseconds are dropped (rounded down): directory timestamps have
 * whole seconds, and with `>=` an entry changed in that same second is read again rather
 * than missed. Returns null for anything else.
 */
export function toGeneralizedTime (since: string): string | null {
  const iso = parseGeneralizedTime(since) ?? (ISO_INSTANT.test(since) ? since : null)
  if (iso === null) return null
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return null
  return date.toISOString().slice(0, 19).replace(/[-:T]/g, '') + 'Z'
}
