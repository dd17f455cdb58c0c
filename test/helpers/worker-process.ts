import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { TEST_KEK } from './app.js'
import { childProcessEnv, TYPESCRIPT_NODE_ARGS } from './run-process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface WorkerProcess { child: ChildProcess, ready: Promise<void>, exited: Promise<number | null>, output: () => string }

/** Starts `src/worker.ts` — the production worker entry point — as its own process. */
export function startWorker (env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [...TYPESCRIPT_NODE_ARGS, 'src/worker.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...childProcessEnv(), LOG_LEVEL: 'info', BEHORIG_KEY_ENCRYPTION_KEY: TEST_KEK, BEHORIG_JOB_STALLED_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => { output += c.toString(); if (output.includes('worker ready')) resolve() })
    child.stderr!.on('data', (c: Buffer) => { output += c.toString() })
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)))
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, ready, exited, output: () => output }
}
