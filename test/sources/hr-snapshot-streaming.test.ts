import t from 'tap'
import { generateHrSnapshot } from '../../scripts/bench/hr-snapshot-generator.js'
import { readHrSnapshot } from '../../src/sources/hr-snapshot-reader.js'
import { SnapshotChecker } from '../../src/sources/snapshot-checker.js'

const EMPLOYMENTS = 100_000
const UNITS = 5_000

/** The generated snapshot as bytes, produced only as fast as the reader asks for it. */
async function * bytes (format: 'csv' | 'json'): AsyncGenerator<Buffer> {
  for await (const text of generateHrSnapshot({ format, employments: EMPLOYMENTS, units: UNITS, seed: 7, delimiter: format === 'csv' ? ',' : ';', bom: true })) {
    yield Buffer.from(text, 'utf8')
  }
}

for (const format of ['csv', 'json'] as const) {
  t.test(`streams a ${EMPLOYMENTS}-employment ${format.toUpperCase()} snapshot through the reader and checker`, async (t) => {
    const counts = { unit: 0, employment: 0, account: 0, group: 0, quarantine: 0, checker: 0 }
    const checker = new SnapshotChecker()
    let peakHeap = 0
    let seen = 0
    for await (const item of readHrSnapshot(bytes(format), format === 'csv' ? 'text/csv' : 'application/json')) {
      counts[item.type]++
      const finding = item.type === 'unit' ? checker.addUnit(item) : item.type === 'employment' ? checker.addEmployment(item) : undefined
      if (finding) counts.checker++
      if ((++seen & 0x3fff) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
    }
    for (const _finding of checker.finish()) counts.checker++
    t.same(counts, { unit: UNITS, employment: EMPLOYMENTS, account: 0, group: 0, quarantine: 0, checker: 0 })
    // Recorded, not asserted: heap depends on the GC's timing. The checker's keys are the only O(rows) part.
    t.comment(`${format}: peak heap seen ${Math.round(peakHeap / 1e6)} MB`)
  })
}
