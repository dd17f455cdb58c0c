import t from 'tap'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { importAndWait } from '../helpers/sync.js'
import { freePort } from '../helpers/listening-app.js'
import { runProcess, type ProcessResult } from '../helpers/run-process.js'
import { recomputes } from '../mapping/helpers/mapping-app.js'
import { JOBS, agency, seededOrganisation, snapshotWithPin } from './helpers/token-app.js'
import { verifyAttributeToken } from '../../scripts/verify-token.js'
import { approveRelyingParty } from '../helpers/relying-party.js'

// The agency's verifier against a listening server, over real HTTP.
const port = await freePort()
const issuer = `http://127.0.0.1:${port}`
const test = await buildTestApp(await openTestStore(), { BEHORIG_ISSUER: issuer, PORT: String(port) })
const { app } = test
await app.listen({ port, host: '127.0.0.1' })
const org = await seededOrganisation(test)
const fk = await agency(app, 'fk', { release: { attributes: ['socialtjanst.eb.handlaggare'] } }, issuer)
await approveRelyingParty(app, org, fk.clientId)

async function attributeToken (employeeNumber: string): Promise<string> {
  const res = await fetch(`${issuer}/v1/attribute-tokens`, {
    method: 'POST',
    headers: { ...await fk.bearer(), 'content-type': 'application/json' },
    body: JSON.stringify({ subject: { type: 'employee-number', value: employeeNumber, organisation: org } })
  })
  if (!res.ok) throw new Error(`no token: ${res.status} ${await res.text()}`)
  return (await res.json() as { attribute_token: string }).attribute_token
}

const verifier = fileURLToPath(new URL('../../scripts/verify-token.ts', import.meta.url))

function runCli (args: string[], stdin = '', script = verifier): Promise<ProcessResult> {
  return runProcess(process.execPath, ['--import', 'tsx', script, ...args], { stdin })
}

t.test('accepts a live token and returns its claims', async (t) => {
  const result = await verifyAttributeToken(await attributeToken('1001'), { issuer, audience: 'fk' })
  t.equal(result.valid, true, result.valid ? '' : result.reason)
  t.match(result, { header: { typ: 'attribute-token+jwt', alg: 'ES256' }, claims: { iss: issuer, aud: 'fk', organisation: { number: org }, attributes: [{ id: 'socialtjanst.eb.handlaggare' }] }, status: 0 })
})

t.test('refuses another audience, another issuer, a forged signature and garbage', async (t) => {
  const token = await attributeToken('1001')
  const [h, p, s] = token.split('.') as [string, string, string]
  const forged = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
  const cases: Array<[string, Promise<Awaited<ReturnType<typeof verifyAttributeToken>>>, RegExp]> = [
    ['audience', verifyAttributeToken(token, { issuer, audience: 'csn' }), /aud/],
    ['issuer', verifyAttributeToken(token, { issuer: `http://localhost:${port}`, audience: 'fk' }), /issuer/],
    ['signature', verifyAttributeToken(forged, { issuer, audience: 'fk' }), /signature/],
    ['garbage', verifyAttributeToken('not.a.jwt', { issuer, audience: 'fk' }), /./]
  ]
  for (const [name, pending, reason] of cases) {
    const result = await pending
    t.equal(result.valid, false, name)
    if (!result.valid) t.match(result.reason, reason, name)
  }
})

t.test('the command line prints usage, verifies, and fails on a revoked token', async (t) => {
  const usage = await runCli([])
  t.equal(usage.code, 2)
  t.match(usage.stderr, /usage: verify-token --issuer/)

  const token = await attributeToken('1001')
  const ok = await runCli(['--issuer', issuer, '--audience', 'fk', token])
  t.equal(ok.code, 0, ok.stderr)
  t.match(JSON.parse(ok.stdout), { valid: true, claims: { aud: 'fk' } })
  const fromStdin = await runCli(['--issuer', issuer, '--audience', 'fk', '-'], token + '\n')
  t.equal(fromStdin.code, 0, fromStdin.stderr)

  // Started through a link (a copy of the repository made of links, node_modules/.bin), it
  // still verifies rather than exiting 0 having done nothing.
  const linked = join(t.testdir(), 'verify-token.ts')
  symlinkSync(verifier, linked)
  const throughLink = await runCli(['--issuer', issuer, '--audience', 'other', token], '', linked)
  t.equal(throughLink.code, 1, 'another audience is refused')
  t.match(throughLink.stderr, /refused: /)

  const waitFor = recomputes(app)
  const run = await importAndWait(app, org, snapshotWithPin(JOBS.filter((j) => j.employee_number !== '1001')), 'application/json')
  await waitFor.after(run.id)
  const revoked = await runCli(['--issuer', issuer, '--audience', 'fk', token])
  t.equal(revoked.code, 1)
  t.match(revoked.stderr, /refused: the token's status is invalid \(revoked\)/)
  t.match(JSON.parse(revoked.stdout), { valid: false, status: 1 })
})
