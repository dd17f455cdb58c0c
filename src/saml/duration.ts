import { SamlError } from './errors.js'

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const SECONDS_PER = [365 * 86_400, 30 * 86_400, 86_400, 3_600, 60, 1]

/**
 * An `xs:duration` (metadata's `cacheDuration`, e.g. `PT6H`, `P1D`) in seconds, a year
 * counted as 365 days and a month as 30. Negative durations are refused.
 */
export function durationSeconds (duration: string): number {
  const parts = DURATION.exec(duration)
  if (!parts) throw new SamlError(`"${duration.slice(0, 40)}" is not an xs:duration`)
  return parts.slice(1).reduce((sum, part, i) => sum + (part === undefined ? 0 : Number(part) * (SECONDS_PER[i] as number)), 0)
}
