import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { childProcessEnv, TYPESCRIPT_NODE_ARGS } from './run-process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess { child: ChildProcess, url: string, stdout: () => string, stderr: () => string }

/** Starts the real entry point (src/server.ts) the way `npm start` does; PORT 0 unless `env` names one. */
export async function startServer (env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...TYPESCRIPT_NODE_ARGS, 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...childProcessEnv(), PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stderr!.on('data', (c: Buffer) => { err += c.toString() })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve(m[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)))
  })
  return { child, url, stdout: () => out, stderr: () => err }
}

/** Sends `signal` and waits for the process to end; its exit code (null when killed). */
export async function stopServer (running: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return running.child.exitCode
  const exited = once(running.child, 'exit') as Promise<[number | null]>
  running.child.kill(signal)
  const [code] = await exited
  return code
}
