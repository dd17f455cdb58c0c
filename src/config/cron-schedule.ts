import { CronExpressionParser } from 'cron-parser'

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'])

/** Why a schedule is not usable, or undefined: five cron fields (or @daily etc.) that cron-parser accepts. */
export function cronProblem (schedule: string): string | undefined {
  const trimmed = schedule.trim()
  const fields = trimmed.split(/\s+/)
  if (!CRON_MACROS.has(trimmed) && fields.length !== 5) {
    return `must be a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *"; got ${fields.length}`
  }
  try {
    CronExpressionParser.parse(trimmed)
    return undefined
  } catch (error) {
    return `is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`
  }
}
