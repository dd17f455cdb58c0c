/**
 * The evaluation day: today's date in Sweden, where the employments' dates are meant.
 * An employment "active today" must not flip at midnight UTC, an hour or two late.
 */
export function evaluationDay (now: Date): string {
  // sv-SE formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}
