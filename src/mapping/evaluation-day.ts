// Built once: constructing an Intl formatter with a time zone costs far more than formatting.
const SWEDISH_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' })

/**
 * The evaluation day: today's date in Sweden, where the employments' dates are meant.
 * An employment "active today" must not flip at midnight UTC, an hour or two late.
 */
export function evaluationDay (now: Date): string {
  // sv-SE formats dates as YYYY-MM-DD.
  return SWEDISH_DAY.format(now)
}
