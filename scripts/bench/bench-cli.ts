/** What the benchmark scripts share on the command line: options, output, timing, a store per process. */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

export type BenchStoreKind = 'pglite' | 'postgres'

/** The value after `--name`, or the fallback. */
export function arg (name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1]! : fallback
}

export function out (line: string): void {
  process.stdout.write(line + '\n')
}

/** A logger that keeps the benchmark's own lines readable. */
export const quiet = { error () {}, info () {}, warn () {} }

/** The result and the seconds it took. */
export async function timed<T> (fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint()
  const result = await fn()
  return [result, Number(process.hrtime.bigint() - start) / 1e9]
}

/** The store this process measures when `runEachStore` started it, else undefined. */
export function childStore (): BenchStoreKind | undefined {
  const i = process.argv.indexOf('--store')
  return i >= 0 ? process.argv[i + 1] as BenchStoreKind : undefined
}

/**
 * Runs `script` again for each store, each in a process of its own so that its peak RSS is
 * its own; PostgreSQL only where DATABASE_URL is set. A failed child fails the benchmark.
 */
export function runEachStore (script: string, kinds: readonly BenchStoreKind[], args: string[]): void {
  for (const kind of kinds) {
    if (kind === 'postgres' && !process.env['DATABASE_URL']) { out('postgres skipped: DATABASE_URL not set'); continue }
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--store', kind, ...args], { stdio: 'inherit', env: process.env })
    if (r.status !== 0) process.exitCode = 1
  }
}

/** The process's peak RSS so far, in MB: VmHWM, which `restartPeakRss` can restart (maxRSS cannot). */
function peakRssMb (): number {
  const status = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m)
  return Number(status?.[1] ?? process.resourceUsage().maxRSS) / 1024
}

let openingPeak: number | undefined

/**
 * Notes the peak so far (opening the store: PGlite's initdb runs a second instance and
 * peaks far above what it holds afterwards) and restarts the count (Linux's clear_refs),
 * so that `peakRss` tells the store's opening and the work apart.
 */
export function restartPeakRss (): void {
  openingPeak = peakRssMb()
  writeFileSync('/proc/self/clear_refs', '5')
}

export function peakRss (kind: BenchStoreKind): string {
  const opening = openingPeak === undefined ? '' : `, opening the store ${openingPeak.toFixed(0)} MB`
  return `${kind.padEnd(8)} peak RSS ${peakRssMb().toFixed(0)} MB after the store was open${opening}   target ≤ 400 MB`
}
