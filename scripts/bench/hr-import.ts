/**
 * HR import benchmark: a large municipality's snapshot (100 000 employments, 5 000 units)
 * imported first, re-imported unchanged, and re-imported with 5 % changes, on the embedded
 * PGlite store and on PostgreSQL (DATABASE_URL; run through scripts/with-test-services.sh
 * to get a throwaway one). Each store runs in its own process so peak RSS is its own.
 *
 *   bash scripts/with-test-services.sh npx tsx scripts/bench/hr-import.ts [--employments N]
 *
 * Ceilings measured in the same run, on the same machine: the reader alone (parse and
 * validate, no store), and the store's own bulk-insert rate for rows of the same width
 * (server-side INSERT … SELECT generate_series, no client in the way).
 */
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { generateHrSnapshot } from './hr-snapshot-generator.js'
import { readHrSnapshot } from '../../src/sources/hr-snapshot-reader.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createServices } from '../../src/services.js'
import { createBenchOrganisation, openBenchStore } from './bench-store.js'
import { arg, childStore, out, peakRss, restartPeakRss, quiet, runEachStore, timed, type BenchStoreKind } from './bench-cli.js'

const employments = Number(arg('employments', '100000'))
const units = Number(arg('units', '5000'))

async function readerCeiling (): Promise<number> {
  const [n, s] = await timed(async () => {
    let count = 0
    for await (const item of readHrSnapshot(generateHrSnapshot({ format: 'csv', employments, units }), 'text/csv')) if (item.type !== 'unit') count++
    return count
  })
  return n / s
}

async function runStore (kind: BenchStoreKind): Promise<void> {
  const { store, drop } = await openBenchStore(kind)
  restartPeakRss()
  const config = loadConfig({ BEHORIG_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64url'), LOG_LEVEL: 'silent' })
  const services = await createServices(config, quiet, { store })
  const org = await createBenchOrganisation(store)
  await services.sources.create(org, { id: 'hr', kind: 'hr', safety: { max_end_percent: 100 } })

  const phase = async (label: string, mutate: number): Promise<number> => {
    const [run, stageS] = await timed(() => services.engine.importSnapshot(org, 'hr', readHrSnapshot(generateHrSnapshot({ format: 'csv', employments, units, mutate }), 'text/csv')))
    const [, applyS] = await timed(() => services.engine.process(run.id, { final: true }))
    const done = await services.engine.findRun(org, run.id)
    const total = stageS + applyS
    out(`${kind.padEnd(8)} ${label.padEnd(18)} ${String(done?.state).padEnd(9)} ${(employments / total).toFixed(0).padStart(7)} rows/s  total ${total.toFixed(2)} s (stage ${stageS.toFixed(2)} s, diff+apply ${applyS.toFixed(2)} s)  counts ${JSON.stringify({ ...done?.counts, units: undefined })}`)
    return total
  }
  const first = await phase('first import', 0)
  const unchanged = await phase('no-change re-import', 0)
  await phase('5 % change', 5)
  out(`${kind.padEnd(8)} no-change re-import / first import ${(unchanged / first).toFixed(2)}   target ≤ 0.30`)

  await sql`create table bench_ceiling (a text, b text, c text, d text, e text, f text, g text, h date, i numeric, j text)`.execute(store.db)
  const [, ceilS] = await timed(() => sql`insert into bench_ceiling select 'E-'||g, g::text, 'Anna', 'Svensson', 'anna'||g||'@exempel.se', 'unit-'||(g%5000), 'Socialsekreterare', date '2020-01-01' + (g%3000), 100, md5(g::text) from generate_series(1, ${employments}) g`.execute(store.db))
  out(`${kind.padEnd(8)} store bulk-insert ceiling ${(employments / ceilS).toFixed(0)} rows/s (INSERT … SELECT, same row width, no indexes)`)
  await services.close(); await store.close(); await drop()
  out(peakRss(kind))
}

const child = childStore()
if (child) {
  await runStore(child)
} else {
  out(`HR import benchmark: ${employments} employments, ${units} units, node ${process.version}, ${(await import('node:os')).cpus().length} cores`)
  out(`reader ceiling (parse + validate, no store): ${(await readerCeiling()).toFixed(0)} rows/s`)
  runEachStore(fileURLToPath(import.meta.url), ['pglite', 'postgres'], ['--employments', String(employments), '--units', String(units)])
}
