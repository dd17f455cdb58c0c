/**
 * LDAP sync benchmark: a large municipality's directory (100 000 users, 10 000 groups with
 * about three memberships per user, nesting and a few cycles) in the throwaway slapd, its
 * people imported from a matching HR snapshot, then an ldap source synced in full, again
 * with no change (incremental), and after 1 % of the users changed (incremental).
 *
 *   bash scripts/with-test-services.sh npx tsx scripts/bench/ldap-sync.ts [--users N] [--groups N] [--page-size N]
 *
 * Needs the throwaway slapd (LDAP_SLAPD_CONF: the directory is bulk-loaded offline with
 * scripts/test-services/ldap-ctl.sh load; the reader needs no memberOf, so groups are
 * loaded that way too) and PostgreSQL (DATABASE_URL: the phases run in processes of their
 * own, so each one's peak RSS is its own, and share the store).
 *
 * The ceiling measured in the same run, on the same machine: a bare paged ldapts read of
 * the same entries (users and groups with their members, page size as the source's),
 * nothing done with them. Next to it, the connector's own read (normalised records, no
 * store), which tells reading apart from staging and applying.
 */
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { Attribute, Change, Client } from 'ldapts'
import { ldapFixtureEntries, ldapFixtureLdif } from './ldap-fixture.js'
import { readHrSnapshot } from '../../src/sources/hr-snapshot-reader.js'
import { parseSourceConfig } from '../../src/sources/source-config.js'
import { ldapConnector } from '../../src/directory/ldap-connector.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { outboundGuard } from '../../src/net/outbound-guard.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createServices, type Services } from '../../src/services.js'
import { openStore } from '../../src/store/open-store.js'
import { BENCH_ORGANISATION, createBenchDatabase, createBenchOrganisation } from './bench-store.js'
import { arg, out, quiet, timed } from './bench-cli.js'

const users = Number(arg('users', '100000'))
const groups = Number(arg('groups', '10000'))
const pageSize = Number(arg('page-size', '1000'))
const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run through scripts/with-test-services.sh (throwaway slapd and PostgreSQL)`)
  return value
}
const ldap = { url: env('LDAP_URL'), bindDn: env('LDAP_BIND_DN'), password: env('LDAP_BIND_PASSWORD'), suffix: env('LDAP_BASE_DN') }
// The throwaway slapd listens on loopback, in plain text: an exception the guard must be told of.
const ALLOW_PRIVATE_FETCH = new URL(ldap.url).hostname
const outbound = outboundGuard({ allowPrivate: [ALLOW_PRIVATE_FETCH] })

interface PhaseResult { label: string, seconds: number, entries: number, rssMb: number, detail: string }

async function withDirectory<T> (fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: ldap.url, timeout: 120_000 })
  try {
    await client.bind(ldap.bindDn, ldap.password)
    return await fn(client)
  } finally {
    await client.unbind()
  }
}

/** The municipality's HR export: every user with an employee number; every hundredth under another number, so they link by e-mail. */
async function * hrCsv (baseDn: string): AsyncGenerator<string> {
  let chunk = 'employee_number;given_name;family_name;email;unit_id;unit_name;employment_type;start_date\n'
  for (const entry of ldapFixtureEntries({ users, groups: 0, baseDn })) {
    const a = entry.attributes
    if (entry.kind !== 'user' || typeof a['employeeNumber'] !== 'string') continue
    const i = Number(String(a['uid']).slice(1))
    const employeeNumber = i % 100 === 50 ? `V-${a['employeeNumber']}` : a['employeeNumber']
    chunk += `${employeeNumber};${String(a['givenName'])};${String(a['sn'])};${String(a['mail'])};enhet-${i % 400};Enhet ${i % 400};tillsvidare;2020-01-01\n`
    if (chunk.length > 65536) { yield chunk; chunk = '' }
  }
  yield chunk
}

function ldapSource (baseDn: string) {
  return {
    id: 'ad',
    kind: 'ldap',
    config: {
      url: ldap.url,
      bind_dn: ldap.bindDn,
      bind_password: ldap.password,
      user_base_dn: `ou=people,${baseDn}`,
      group_base_dn: `ou=groups,${baseDn}`,
      attributes: { disabled: 'employeeType' },
      disabled_attribute: { values: ['disabled'] },
      page_size: pageSize,
      timeout_seconds: 120
    }
  }
}

async function openServices (databaseUrl: string): Promise<Services & { closeStore (): Promise<void> }> {
  const store = await openStore({ url: databaseUrl, embeddedDir: 'memory://', poolSize: 4 })
  const config = loadConfig({ BEHORIG_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64url'), LOG_LEVEL: 'silent', BEHORIG_ALLOW_PRIVATE_FETCH: ALLOW_PRIVATE_FETCH })
  const services = await createServices(config, quiet, { store })
  return Object.assign(services, { closeStore: () => store.close() })
}

/** One phase in this process: prints its result as the last line, as JSON. */
async function runPhase (phase: string, databaseUrl: string, baseDn: string): Promise<void> {
  let result: PhaseResult
  if (phase === 'bare') {
    const [entries, seconds] = await timed(() => withDirectory(async (client) => {
      let n = 0
      const attributes = ['entryUUID', 'employeeNumber', 'mail', 'displayName', 'givenName', 'sn', 'employeeType', 'modifyTimestamp']
      for await (const page of client.searchPaginated(`ou=people,${baseDn}`, { scope: 'sub', filter: '(objectClass=inetOrgPerson)', attributes, paged: { pageSize } })) n += page.searchEntries.length
      for await (const page of client.searchPaginated(`ou=groups,${baseDn}`, { scope: 'sub', filter: '(objectClass=groupOfNames)', attributes: ['cn', 'member'], paged: { pageSize } })) n += page.searchEntries.length
      return n
    }))
    result = { label: 'bare paged read', seconds, entries, rssMb: rssMb(), detail: `users and groups (with members), page size ${pageSize}` }
  } else if (phase === 'read') {
    const connector = ldapConnector(parseSourceConfig(ldapSource(baseDn), outbound), {}, (settings) => ldapReader(settings, outbound))
    const [entries, seconds] = await timed(async () => {
      let n = 0
      for await (const _item of connector!.read({ mode: 'full' }).items) n++
      return n
    })
    result = { label: 'connector read', seconds, entries, rssMb: rssMb(), detail: 'what a full run reads and normalises (DNs, groups, nesting), nothing staged' }
  } else {
    const services = await openServices(databaseUrl)
    const org = BENCH_ORGANISATION
    const [run, seconds] = await timed(async () => {
      const started = await services.engine.startPull(org, 'ad', 'pull', phase === 'full' ? 'full' : undefined)
      await services.engine.process(started.id, { final: true })
      return services.engine.findRun(org, started.id)
    })
    await services.close(); await services.closeStore()
    const counts = run?.counts ?? {}
    const read = Number(counts['read'] ?? 0)
    const entries = run?.mode === 'full' ? read + groups : read
    const label = { full: 'full sync', noop: 'no-change incremental', change: '1 %-change incremental' }[phase] as string
    result = { label, seconds, entries, rssMb: rssMb(), detail: `${run?.state} ${run?.mode}, counts ${JSON.stringify(counts)}` }
  }
  out(JSON.stringify(result))
}

function rssMb (): number {
  return process.resourceUsage().maxRSS / 1024
}

function spawnPhase (phase: string, databaseUrl: string, baseDn: string): PhaseResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--phase', phase, '--database', databaseUrl, '--base', baseDn, '--users', String(users), '--groups', String(groups), '--page-size', String(pageSize)],
    { stdio: ['ignore', 'pipe', 'inherit'], env: process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`phase ${phase} failed (exit ${r.status})`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as PhaseResult
}

function report (r: PhaseResult): void {
  out(`${r.label.padEnd(24)} ${r.seconds.toFixed(2).padStart(7)} s  ${(r.entries / r.seconds).toFixed(0).padStart(8)} entries/s  (${String(r.entries).padStart(6)} entries)  peak RSS ${r.rssMb.toFixed(0).padStart(4)} MB  ${r.detail}`)
}

async function main (): Promise<void> {
  env('LDAP_SLAPD_CONF')
  env('DATABASE_URL')
  const baseDn = `ou=bench${process.pid},${ldap.suffix}`
  out(`LDAP sync benchmark: ${users} users, ${groups} groups, page size ${pageSize}, node ${process.version}, ${cpus().length} cores, PostgreSQL store`)

  // The directory, bulk-loaded offline (slapadd -q).
  const dir = mkdtempSync(join(tmpdir(), 'behorig-ldap-bench-'))
  const ldif = join(dir, 'directory.ldif')
  const [, loadS] = await timed(async () => {
    await pipeline(Readable.from(ldapFixtureLdif({ users, groups, baseDn })), createWriteStream(ldif))
    const load = spawnSync('bash', [fileURLToPath(new URL('../test-services/ldap-ctl.sh', import.meta.url)), 'load', ldif], { stdio: 'inherit', env: process.env })
    if (load.status !== 0) throw new Error('ldap-ctl.sh load failed')
  })
  rmSync(dir, { recursive: true, force: true })
  out(`setup: directory generated and loaded with slapadd in ${loadS.toFixed(1)} s`)

  // The store, the people (through the engine, as an HR upload), the ldap source.
  const database = await createBenchDatabase()
  const databaseUrl = database.url
  try {
    const services = await openServices(databaseUrl)
    const org = await createBenchOrganisation(services.store)
    await services.sources.create(org, { id: 'hr', kind: 'hr', safety: { max_end_percent: 100 } })
    const [hrRun, hrS] = await timed(async () => {
      const run = await services.engine.importSnapshot(org, 'hr', readHrSnapshot(Readable.from(hrCsv(baseDn)), 'text/csv'))
      await services.engine.process(run.id, { final: true })
      return services.engine.findRun(org, run.id)
    })
    out(`setup: HR snapshot imported through the engine in ${hrS.toFixed(1)} s (${hrRun?.state}, ${String(hrRun?.counts['created'])} people)`)
    await services.sources.create(org, ldapSource(baseDn))
    await services.close(); await services.closeStore()

    // slapadd stamps every entry in the second or two of the load, and runs read `>=` the
    // mark's second; a live directory has one entry changed later than the bulk of it.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await withDirectory((c) => c.modify(firstUserDn(baseDn), new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['touched after the load'] }) })))

    const bare = spawnPhase('bare', databaseUrl, baseDn)
    const read = spawnPhase('read', databaseUrl, baseDn)
    const full = spawnPhase('full', databaseUrl, baseDn)
    const noop = spawnPhase('noop', databaseUrl, baseDn)
    const changed = Math.floor(users / 100)
    const [, modifyS] = await timed(() => withDirectory(async (c) => {
      for (const entry of ldapFixtureEntries({ users, groups: 0, baseDn })) {
        if (entry.kind !== 'user' || Number(String(entry.attributes['uid']).slice(1)) % 100 !== 7) continue
        await c.modify(entry.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'displayName', values: [`${String(entry.attributes['displayName'])} (ändrad)`] }) }))
      }
    }))
    out(`setup: ${changed} users changed with ldapts in ${modifyS.toFixed(1)} s`)
    const change = spawnPhase('change', databaseUrl, baseDn)

    out('')
    for (const r of [bare, read, full, noop, change]) report(r)
    out('')
    const ratio = (a: number, b: number): string => (a / b).toFixed(2)
    out(`full / bare read              ${ratio(full.seconds, bare.seconds).padStart(6)}   target ≤ 3`)
    out(`no-change incremental / full  ${ratio(noop.seconds, full.seconds).padStart(6)}   target ≤ 0.10`)
    out(`1 %-change incremental / full ${ratio(change.seconds, full.seconds).padStart(6)}`)
    out(`peak RSS (largest phase)      ${Math.max(full.rssMb, noop.rssMb, change.rssMb).toFixed(0).padStart(6)} MB   target ≤ 400 MB`)
  } finally {
    await database.drop()
  }
}

function firstUserDn (baseDn: string): string {
  for (const entry of ldapFixtureEntries({ users, groups: 0, baseDn })) if (entry.kind === 'user') return entry.dn
  throw new Error('the fixture has no users')
}

const phaseAt = process.argv.indexOf('--phase')
if (phaseAt >= 0) await runPhase(process.argv[phaseAt + 1] as string, arg('database', ''), arg('base', ''))
else await main()
