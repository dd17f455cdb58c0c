/**
 * How many cases a fast-check property tries: `full` when FULL=1 is set, otherwise a fifth
 * of it (at least ten), so that `npm test` stays quick. Every property test takes its
 * `numRuns` from here; run `FULL=1 npm test` after changing what a property guards.
 */
export function propertyRuns (full: number): number {
  return process.env['FULL'] === '1' ? full : Math.max(10, Math.ceil(full / 5))
}
