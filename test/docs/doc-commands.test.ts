/**
 * Runs every command the README and docs/*.md show, against a real server, so they cannot rot.
 *
 * The convention (also stated in the README):
 * - A fenced block whose info string is `sh` is run. The `sh` blocks of one file run in order
 *   as one bash script (`set -euo pipefail`), so a variable one block sets is there in the next.
 *   The script runs in a scratch directory that mirrors the repository's top level (links), so
 *   `examples/…` and `scripts/…` resolve and files a block writes stay out of the checkout.
 * - The server is the real entry point on a fresh BEHORIG_DATA_DIR (a free port, embedded store,
 *   demo seeded), one for the whole run. Blocks get `BASE` and `ISSUER` (its URL),
 *   `ADMIN_TOKEN` (its platform admin token) and `BEHORIG_DATA_DIR`.
 * - A comment line holding only a status (`# 201`) is the status the command before it prints
 *   with `curl -w '\n%{http_code}\n'`: the status lines a block prints must be exactly the ones
 *   it states, in order. Successes whose body is used are fetched with `curl --fail-with-body`,
 *   so a refusal stops the script.
 * - `sh not-run: <reason>` shows a command the test cannot run (it starts the service or runs
 *   the suite itself); the reason is required. Any other info string (`text`, `http`, `json`,
 *   `yaml`, `js`) is illustration; `bash`, `shell` and `console` are refused, so a command
 *   block cannot slip past the test by its spelling.
 */
import t from 'tap'
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startServer, stopServer } from '../helpers/server-process.js'
import { runProcess, childProcessEnv } from '../helpers/run-process.js'
import { freePort } from '../helpers/listening-app.js'
import { fencedBlocks, relativeLinks, type FencedBlock } from '../helpers/markdown-blocks.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)]
const MARK = '@@doc-block'
const STATUS_COMMENT = /^\s*#\s*(\d{3})\s*$/
const STATUS_LINE = /^\d{3}$/

t.setTimeout(600_000)

const adminToken = randomBytes(24).toString('base64url')
const dataDir = t.testdir()
// A fixed port rather than 0: the issuer (and the demo's demo.json) name the port the server was given.
const server = await startServer({
  PORT: String(await freePort()),
  BEHORIG_DATA_DIR: dataDir,
  BEHORIG_ADMIN_TOKEN: adminToken,
  // Examples fetch from the test's own loopback services (HR pull, jwks_uri, LDAP).
  BEHORIG_ALLOW_PRIVATE_FETCH: '127.0.0.1',
  LOG_LEVEL: 'info'
})
t.teardown(async () => { await stopServer(server) })

/** A directory whose entries link to the repository's top level (no .git, no data). */
function scratchDirectory (): string {
  const dir = mkdtempSync(join(tmpdir(), 'behorig-doc-'))
  for (const entry of readdirSync(root)) {
    if (entry === '.git' || entry === 'data') continue
    symlinkSync(join(root, entry), join(dir, entry))
  }
  return dir
}

/** One bash script of a file's sh blocks, each announced on stdout so output and failures can be told apart. */
function scriptOf (blocks: FencedBlock[]): string {
  return ['set -euo pipefail', ...blocks.map((b, i) => `printf '\\n${MARK} ${i}\\n'\n${b.code}`)].join('\n') + '\n'
}

/** The stdout of each block, by the markers the script printed. */
function outputsByBlock (stdout: string): Map<number, string> {
  const parts = stdout.split(new RegExp(`\\n${MARK} (\\d+)\\n`))
  const outputs = new Map<number, string>()
  for (let i = 1; i < parts.length; i += 2) outputs.set(Number(parts[i]), parts[i + 1] ?? '')
  return outputs
}

for (const file of docs) {
  const blocks = fencedBlocks(readFileSync(join(root, file), 'utf8'))
  const runnable = blocks.filter((b) => b.info === 'sh')

  t.test(`${file}: every code block follows the convention`, async (t) => {
    for (const b of blocks) {
      t.notOk(/^(bash|shell|console|zsh|shell-session)\b/.test(b.info), `${file}:${b.line} is \`${b.info}\`: use sh (run) or text (shown)`)
      if (b.info.startsWith('sh ')) t.match(b.info, /^sh not-run: \S.{8,}$/, `${file}:${b.line}: a shown-only command says why it is not run`)
    }
  })

  if (runnable.length === 0) continue
  t.test(`${file}: its commands run in order and print what the text states`, async (t) => {
    const cwd = scratchDirectory()
    const scriptFile = join(t.testdir(), 'blocks.sh')
    writeFileSync(scriptFile, scriptOf(runnable))
    const result = await runProcess('bash', [scriptFile], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...childProcessEnv(), HOME: process.env['HOME'] ?? cwd, BASE: server.url, ISSUER: server.url, ADMIN_TOKEN: adminToken, BEHORIG_DATA_DIR: dataDir },
      timeoutMs: 240_000
    })
    const outputs = outputsByBlock(result.stdout)
    const last = Math.max(-1, ...outputs.keys())
    const failed = runnable[last]
    t.equal(result.code, 0, result.code === 0
      ? 'every command exits 0'
      : `${file}: the block at line ${failed?.line ?? '?'} failed (exit ${String(result.code)})\n--- its output:\n${(outputs.get(last) ?? '').slice(-3000)}\n--- stderr:\n${result.stderr.slice(-3000)}`)
    runnable.forEach((b, i) => {
      if (i > last || (result.code !== 0 && i === last)) return
      const stated = b.code.split('\n').flatMap((l) => STATUS_COMMENT.exec(l)?.[1] ?? [])
      const printed = (outputs.get(i) ?? '').split('\n').filter((l) => STATUS_LINE.test(l))
      if (stated.length > 0 || printed.length > 0) t.same(printed, stated, `${file}:${b.line}: the statuses printed are those stated`)
    })
  })
}

t.test('the README and docs link only files inside the repository', async (t) => {
  for (const file of docs) {
    const broken = relativeLinks(readFileSync(join(root, file), 'utf8')).filter((target) => {
      const path = resolve(dirname(join(root, file)), decodeURIComponent(target))
      return relative(root, path).startsWith('..') || !existsSync(path)
    })
    t.same(broken, [], `${file} links only files of the repository`)
  }
})
