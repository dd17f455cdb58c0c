import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url))

interface LintReport { totals: { errors: number, warnings: number }, problems: Array<{ ruleId: string, message: string, location: Array<{ pointer: string }> }> }

t.test('Redocly\'s recommended rules find no error or warning in openapi.yaml', async (t) => {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }
  const run = await promisify(execFile)(process.execPath, [cli, 'lint', 'openapi.yaml', '--config', 'redocly.yaml', '--format', 'json'], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 })
    .catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))
  const report = JSON.parse(run.stdout) as LintReport
  const found = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)
  t.same(found, [], 'no problems')
  t.equal(report.totals.errors, 0, 'errors')
  t.equal(report.totals.warnings, 0, 'warnings')
})
