import { execFileSync } from 'node:child_process'
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './listening-app.js'

export interface ThrowawayPostgres { url: string, start (): void, stop (): void, remove (): void }

/**
 * A PostgreSQL cluster of the test's own, which it may stop and start (the shared one of
 * scripts/with-test-services.sh must stay up for other files). Made the way that script
 * makes its own: initdb as the postgres user when run as root, trust auth, no fsync.
 */
export async function throwawayPostgres (): Promise<ThrowawayPostgres> {
  const bin = pgBin()
  const dir = mkdtempSync(join(tmpdir(), 'behorig-pg-'))
  const root = process.getuid?.() === 0
  if (root) {
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim()
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim()
    chownSync(dir, Number(ids), Number(gid))
  }
  const asPg = (command: string, args: string[]): void => {
    if (root) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { cwd: '/', stdio: 'ignore' })
    else execFileSync(join(bin, command), args, { stdio: 'ignore' })
  }
  const data = join(dir, 'data')
  asPg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-locale'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`
  const cluster: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => { asPg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start']) },
    stop: () => { asPg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']) },
    remove: () => {
      try { cluster.stop() } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true })
    }
  }
  cluster.start()
  return cluster
}

function pgBin (): string {
  if (process.env['PG_BIN']) return process.env['PG_BIN']
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
  if (!versions[0]) throw new Error('no PostgreSQL under /usr/lib/postgresql (set PG_BIN)')
  return join('/usr/lib/postgresql', versions[0], 'bin')
}
