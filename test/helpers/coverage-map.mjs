/**
 * tap's coverage map (package.json `tap.coverage-map`): which test files run without
 * coverage. V8's block coverage counts every pass through a hot loop; the streaming test
 * pushes 200 000 rows through the reader and took three and a half times as long with it
 * (23 s against 6.4 s). Its code paths are covered by the functional tests of
 * test/sources, which run with coverage as every other file does.
 */
const WITHOUT_COVERAGE = new Set([
  'test/sources/hr-snapshot-streaming.test.ts'
])

/** `null`: no coverage for this file; `[]`: tap's default (everything it loads). */
export default function coverageMap (testFile) {
  return WITHOUT_COVERAGE.has(testFile.replaceAll('\\', '/')) ? null : []
}
