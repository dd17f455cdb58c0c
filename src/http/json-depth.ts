/**
 * How deep request documents may nest. JSON.parse accepts any depth, but recursive code
 * after it (structuredClone, SCIM's null stripping, schema validators) overflows the stack
 * somewhere past a few thousand levels and would answer 500. No document behorig accepts
 * comes near this.
 */
export const MAX_JSON_DEPTH = 64

/** Whether `value` nests arrays/objects deeper than `limit` levels; iterative, so it cannot overflow itself. */
export function nestsDeeperThan (value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]]
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number]
    if (typeof current !== 'object' || current === null) continue
    if (depth >= limit) return true
    for (const child of Object.values(current)) pending.push([child, depth + 1])
  }
  return false
}
