import type { EmploymentDiff } from './apply-repository.js'

/** More than the threshold of active employments would end, or an empty read would end them all. */
export function tripsSafety (diff: EmploymentDiff, maxEndPercent: number, full = true): boolean {
  if (diff.active_before === 0) return false
  const staged = diff.created + diff.updated + diff.unchanged
  if (staged === 0 && full) return true
  return diff.ended * 100 > diff.active_before * maxEndPercent
}
