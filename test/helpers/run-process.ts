import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface ProcessResult { code: number | null, stdout: string, stderr: string }

/**
 * Runs a command to its end and collects what it printed; `stdin`, when given, is written
 * and closed. `timeoutMs` bounds a command that may hang: it is killed, and `code` is null.
 */
export function runProcess (command: string, args: string[], options: { cwd?: string, env?: NodeJS.ProcessEnv, stdin?: string, timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const bound = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => { clearTimeout(bound); resolve({ code, stdout, stderr }) })
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
  })
}

/**
 * Environment entries for a child process that the test gives an environment of its own:
 * the V8 code cache the run shares (scripts/with-test-services.sh sets it; the child starts
 * about half a second sooner), and no coverage recording of its own (see
 * ts-extension-resolve.mjs for why).
 */
export function childProcessEnv (): Record<string, string> {
  const dir = process.env['NODE_COMPILE_CACHE']
  return { ...(dir ? { NODE_COMPILE_CACHE: dir } : {}), _TAPJS_PROCESSINFO_COVERAGE_: '0' }
}

/**
 * Node.js arguments that run a TypeScript entry point (src/server.ts, src/worker.ts) the way
 * tap runs the test files (package.json `tap.node-arg`), from the repository's root: without
 * a compile step, and so with the shared code cache, about half a second sooner than tsx.
 */
export const TYPESCRIPT_NODE_ARGS: string[] = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { tap: { 'node-arg': string[] } }).tap['node-arg']
