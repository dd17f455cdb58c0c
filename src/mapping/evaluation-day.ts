// Built once: constructing an Intl formatter with a time zone costs far more than formatting.
const SWEDISH_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' })

/** The last day formatted, and the minute (since the epoch) it was formatted for. */
let last = { minute: Number.NaN, day: '' }

/**
 * The evaluation day: today's date in Sweden, where the employments' dates are meant.
 * An employment "active today" must not flip at midnight UTC, an hour or two late.
 */
export function evaluationDay (now: Date): string {
  // Swedish time has been whole hours off UTC since 1900, so the date only changes on a
  // minute boundary: the last minute's answer is reused (this runs for every attribute token).
  const minute = Math.floor(now.getTime() / 60_000)
  if (minute !== last.minute) last = { minute, day: SWEDISH_DAY.format(now) } // sv-SE formats dates as YYYY-MM-DD
  return last.day
}

/** The day `n` days after `day` (before, when negative); days are YYYY-MM-DD. */
export function addDays (day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}
