/**
 * Attribute-token throughput and latency against a running behorig on PostgreSQL, beside
 * (a) raw ES256 signing on one thread and (b) the peers, oidc-provider's client-credentials
 * grant with JWT access tokens, its client authenticating with private_key_jwt as behorig's
 * do, or with client_secret_post, on the same machine in the same run.
 *
 *   bash scripts/with-test-services.sh npx tsx scripts/bench/tokens.ts [--seconds 10] [--people 2000] [--rounds 4] [--kinds …]
 *
 * The kinds (--kinds, comma-separated; default all but baseline), each on a database of its own:
 *   audited         behorig as shipped: one process, no Redis
 *   baseline        the same, issuing without audit events (scripts/bench/token-server.ts): what the audit log costs
 *   peer            oidc-provider, private_key_jwt
 *   peer-secret     oidc-provider, client_secret_post
 *   redis-1         behorig with Redis (rate limits and replay guard there), one process
 *   redis-2         the same with BEHORIG_PROCESSES=2
 * They take turns, in a rotated order each round; ratios use the rounds' means.
 *
 * autocannon drives the servers from this process. Targets (printed, not asserted):
 * audited ≥ 1.5× peer at 16 and 64 connections, ≥ 1.0× peer-secret at 64, worst p99 at 64
 * ≤ the peer's worst; redis-2 ÷ redis-1 is reported.
 *
 * Each run also prints where the CPU went, in cores: the server, every PostgreSQL process,
 * this load generator, and the whole machine (busy of available), from /proc. A machine
 * that is not busy while throughput stops growing is waiting, not computing.
 *
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'   flags for the server processes
 *   BENCH_SERVER_LOG=/tmp/servers.log   the servers' log lines, appended there
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon, { type Result } from 'autocannon'
import pg from 'pg'
import { signCompact } from '../../src/keys/key-material.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const arg = (name: string, fallback: number): number => { const i = process.argv.indexOf(name); return i === -1 ? fallback : Number(process.argv[i + 1]) }
const SECONDS = arg('--seconds', 10)
const PEOPLE = arg('--people', 2000)
const ROUNDS = arg('--rounds', 4)
const KINDS = ['audited', 'baseline', 'peer', 'peer-secret', 'redis-1', 'redis-2'] as const
type Kind = typeof KINDS[number]
/** --kinds a,b: the kinds to run (default all but baseline). */
const CHOSEN: Kind[] = process.argv.includes('--kinds')
  ? (process.argv[process.argv.indexOf('--kinds') + 1] ?? '').split(',').map((k) => { if (!(KINDS as readonly string[]).includes(k)) throw new Error(`unknown kind ${k}; one of ${KINDS.join(', ')}`); return k as Kind })
  : KINDS.filter((k) => k !== 'baseline')
const CONNECTIONS = [16, 64]
const ADMIN = `bench-admin-${randomBytes(16).toString('hex')}`
const ORG = '2129999997'
/** Rate limits far above what one machine can send, so the benchmark measures issuance, not the limiter's refusals. */
const UNTHROTTLED = { BEHORIG_RATE_LIMIT_RELYING_PARTY: '1000000000', BEHORIG_RATE_LIMIT_TOKEN_ENDPOINT: '1000000000', BEHORIG_RATE_LIMIT_PLATFORM_ADMIN: '1000000000', BEHORIG_RATE_LIMIT_ANONYMOUS: '1000000000' }

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function start (args: string[], env: Record<string, string | undefined>): ChildProcess {
  const child = spawn(process.execPath, [...(process.env['BENCH_NODE_ARGS']?.split(' ') ?? []), '--import', 'tsx', ...args], { cwd: root, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'inherit'] })
  // BENCH_SERVER_LOG=<file>: the servers' log lines appended there, for finding out why a run went wrong.
  const logFile = process.env['BENCH_SERVER_LOG']
  if (logFile) child.stdout?.pipe(createWriteStream(logFile, { flags: 'a' }))
  else child.stdout?.resume()
  return child
}

async function waitFor (url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(url)).ok) return } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} never answered`)
}

async function call (url: string, init: RequestInit & { expect?: number[] } = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, init)
  const text = await res.text()
  if (!(init.expect ?? [200, 201]).includes(res.status)) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`)
  return text ? JSON.parse(text) as Record<string, unknown> : {}
}

function assertion (key: KeyObject, kid: string, clientId: string, audience: string): string {
  const iat = Math.floor(Date.now() / 1000)
  return signCompact('ES256', key, { alg: 'ES256', kid, typ: 'JWT' }, { iss: clientId, sub: clientId, aud: audience, iat, exp: iat + 300, jti: randomUUID() })
}

/** Raw ES256 JWS signing, one thread, node:crypto (what behorig's signer uses). */
function rawSigning (): number {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const payload = { iss: 'https://behorig.example', sub: 'x'.repeat(43), aud: 'fk', iat: 1, exp: 2, jti: randomUUID(), attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }] }
  for (let i = 0; i < 2000; i++) signCompact('ES256', privateKey, { alg: 'ES256', kid: 'k', typ: 'attribute-token+jwt' }, payload)
  const until = Date.now() + 2000
  let n = 0
  const began = process.hrtime.bigint()
  while (Date.now() < until) { signCompact('ES256', privateKey, { alg: 'ES256', kid: 'k', typ: 'attribute-token+jwt' }, payload); n++ }
  return n / (Number(process.hrtime.bigint() - began) / 1e9)
}

async function seedBehorig (base: string): Promise<{ authorization: string }> {
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }
  await call(`${base}/v1/organisations/${ORG}`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'Benchkommun', kind: 'municipality' }) })
  await call(`${base}/v1/organisations/${ORG}/sources`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'hr', kind: 'hr' }) })
  const units = [{ id: 'soc', name: 'Socialförvaltningen', parent_id: null, kind: 'forvaltning', hsa_id: null }, { id: 'soc-eb', name: 'Ekonomiskt bistånd', parent_id: 'soc', kind: 'avdelning', hsa_id: null }, { id: 'soc-eb-norr', name: 'EB norr', parent_id: 'soc-eb', kind: 'enhet', hsa_id: null }]
  const employments = Array.from({ length: PEOPLE }, (_, i) => ({ employment_id: `E-${i}`, employee_number: String(100000 + i), given_name: 'Anna', family_name: `Svensson ${i}`, email: null, personal_identity_number: null, service_id: null, unit_id: 'soc-eb-norr', position_code: '151010', title: 'Socialsekreterare', employment_type: 'tillsvidare', start_date: '2021-03-01', end_date: null, extent: 100 }))
  const run = await call(`${base}/v1/organisations/${ORG}/sources/hr/imports`, { method: 'POST', headers: admin, body: JSON.stringify({ units, employments }), expect: [202] })
  for (let state = ''; state !== 'succeeded';) {
    state = String((await call(`${base}/v1/organisations/${ORG}/sync-runs/${String(run['run_id'])}`, { headers: admin }))['state'])
    if (!['queued', 'running', 'succeeded'].includes(state)) throw new Error(`import ${state}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const mapping = 'domain: socialtjanst\ncatalog_version: 1.1.0\nrules:\n  - id: eb\n    when: { position_codes: ["151010"], unit_within: soc-eb }\n    grant: [socialtjanst.eb.handlaggare]\n'
  const draft = await call(`${base}/v1/organisations/${ORG}/mappings`, { method: 'POST', headers: { ...admin, 'content-type': 'application/yaml' }, body: mapping })
  await call(`${base}/v1/organisations/${ORG}/mappings/${String(draft['version'])}/publish`, { method: 'POST', headers: { authorization: admin.authorization } })

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  await call(`${base}/v1/relying-parties/bench`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'Bench agency', organisation: '2021005521', jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench-1' }] }, release: { attributes: ['socialtjanst.eb.handlaggare'] } }) })
  await call(`${base}/v1/organisations/${ORG}/relying-party-approvals/bench`, { method: 'PUT', headers: admin, body: JSON.stringify({ attributes: 'all-released', agreement: 'Benchmark' }) })
  const token = await call(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion(privateKey, 'bench-1', 'bench', base) }).toString() })
  return { authorization: `Bearer ${String(token['access_token'])}` }
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuSeconds (pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return 0 }
}

/** A process and its children (BEHORIG_PROCESSES > 1 runs the API processes under a supervisor). */
function withChildren (pid: number | undefined): number[] {
  if (pid === undefined) return []
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((child) => {
    try { return Number(readFileSync(`/proc/${child}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === pid } catch { return false }
  })
  return [pid, ...children]
}

/** Every PostgreSQL process on the machine (the server's backends come and go with its pool). */
function postgresPids (): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' } catch { return false }
  })
}

/** Busy CPU time of the whole machine so far (seconds, all cores), from /proc/stat: all but idle and iowait. */
function machineBusy (): number {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number)
  return (user + nice + system + irq + softirq + steal) / 100
}

/** Where the machine's CPU went during a run, in cores: the server under test, PostgreSQL, this load generator, and the whole machine. */
interface CpuShare { server: number, postgres: number, load: number, machine: number }

function cpuMeter (serverPid: number | undefined): () => CpuShare {
  const postgresAt = (): Map<number, number> => new Map(postgresPids().map((pid) => [pid, cpuSeconds(pid)]))
  const serverPids = withChildren(serverPid)
  const serverCpu = (): number => serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
  const began = { at: performance.now(), server: serverCpu(), postgres: postgresAt(), load: cpuSeconds(process.pid), machine: machineBusy() }
  return () => {
    const elapsed = (performance.now() - began.at) / 1000
    // Backends started during the run count from zero; any that ended are missed (a steady pool ends none).
    let postgres = 0
    for (const [pid, used] of postgresAt()) postgres += used - (began.postgres.get(pid) ?? 0)
    return { server: (serverCpu() - began.server) / elapsed, postgres: postgres / elapsed, load: (cpuSeconds(process.pid) - began.load) / elapsed, machine: (machineBusy() - began.machine) / elapsed }
  }
}

async function load (url: string, connections: number, seconds: number, next: () => { body: string, headers: Record<string, string> }, serverPid?: number): Promise<Result & { cpu: CpuShare }> {
  const meter = cpuMeter(serverPid)
  const result = await autocannon({ url, connections, duration: seconds, method: 'POST', requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }] })
  if (result.non2xx > 0 || result.errors > 0) process.stderr.write(`  ! ${url} at ${connections}: ${result.non2xx} non-2xx, ${result.errors} errors\n`)
  return { ...result, cpu: meter() }
}

interface Row { connections: number, rps: number, p50: number, p99: number, ok: number, failed: number, cpu: CpuShare }
const row = (connections: number, r: Result & { cpu: CpuShare }): Row => ({ connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], failed: r.non2xx + r.errors, cpu: r.cpu })

/** Peak resident set of the largest of a process and its children, from Linux's VmHWM (MB). */
function peakRssMb (pid: number | undefined): number {
  return Math.max(...withChildren(pid).map((p) => {
    const line = readFileSync(`/proc/${p}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))
    return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024)
  }))
}

/**
 * `entry` is src/server.ts, or the baseline scripts/bench/token-server.ts (issuance without
 * audit events); each gets a database of its own. `redis`: with REDIS_URL (a queue of its
 * own), and `processes` API processes.
 */
async function benchBehorig (adminUrl: string, entry: string, options: { redis?: boolean, processes?: number } = {}): Promise<{ rows: Row[], peakRss: number }> {
  const name = `behorig_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database "${name}"`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const dataDir = mkdtempSync(join(tmpdir(), 'behorig-bench-'))
  const { REDIS_URL: redisUrl, ...env } = process.env
  if (options.redis === true && !redisUrl) throw new Error('REDIS_URL is not set: run through bash scripts/with-test-services.sh')
  const shared = options.redis === true ? { REDIS_URL: redisUrl, BEHORIG_QUEUE_NAME: name } : {}
  const server = start([entry], { ...env, ...shared, BEHORIG_PROCESSES: String(options.processes ?? 1), PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: url.toString(), BEHORIG_ADMIN_TOKEN: ADMIN, BEHORIG_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), BEHORIG_DATA_DIR: dataDir, BEHORIG_DEMO: 'false', LOG_LEVEL: 'warn', ...UNTHROTTLED })
  try {
    await waitFor(`${base}/health/ready`)
    const bearer = await seedBehorig(base)
    let i = 0
    const next = () => ({ headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ subject: { type: 'employee-number', value: String(100000 + (i++ % PEOPLE)), organisation: ORG } }) })
    await load(`${base}/v1/attribute-tokens`, 16, 3, next) // warm-up
    const rows: Row[] = []
    for (const c of CONNECTIONS) rows.push(row(c, await load(`${base}/v1/attribute-tokens`, c, SECONDS, next, server.pid)))
    return { rows, peakRss: peakRssMb(server.pid) }
  } finally {
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
    await admin.query(`drop database if exists "${name}" with (force)`)
    await admin.end()
  }
}

/** `secret`: the client authenticates with client_secret_post instead of private_key_jwt. */
async function benchPeer (secret?: string): Promise<Row[]> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }))
  const peer = start(['scripts/bench/oidc-peer.ts'], { ...process.env, NODE_ENV: 'production', PEER_PORT: String(port), PEER_CLIENT_JWK: JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid: 'bench-1', alg: 'ES256', use: 'sig' }), ...(secret ? { PEER_CLIENT_SECRET: secret } : {}) })
  try {
    await waitFor(`${base}/.well-known/openid-configuration`)
    const tokenEndpoint = `${base}/token`
    // Every request needs a fresh assertion (jti replay is refused): made ahead, outside the measured run where possible.
    let pool: string[] = []
    const credentials = (): Record<string, string> => secret
      ? { client_id: 'bench', client_secret: secret }
      : { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: pool.pop() ?? assertion(key, 'bench-1', 'bench', base) }
    const next = () => ({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', ...credentials() }).toString()
    })
    const refill = (n: number): void => { pool = secret ? [] : Array.from({ length: n }, () => assertion(key, 'bench-1', 'bench', base)) }
    const probe = await call(tokenEndpoint, { method: 'POST', ...next() })
    if (typeof probe['access_token'] !== 'string' || String(probe['access_token']).split('.').length !== 3) throw new Error(`the peer did not issue a JWT access token: ${JSON.stringify(probe)}`)
    refill(20_000)
    await load(tokenEndpoint, 16, 3, next) // warm-up
    const rows: Row[] = []
    for (const c of CONNECTIONS) { refill(150_000); rows.push(row(c, await load(tokenEndpoint, c, SECONDS, next, peer.pid))) }
    return rows
  } finally {
    peer.kill('SIGTERM')
    await new Promise((resolve) => peer.once('exit', resolve))
  }
}

async function main (): Promise<void> {
  const adminUrl = process.env['DATABASE_URL']
  if (!adminUrl) throw new Error('DATABASE_URL is not set: run through bash scripts/with-test-services.sh')
  process.stdout.write(`behorig attribute tokens vs oidc-provider client credentials — ${SECONDS} s per run, ${ROUNDS} rounds, ${PEOPLE} people, kinds ${CHOSEN.join(', ')}, Node ${process.version}\n`)
  const signing = rawSigning()
  process.stdout.write(`raw ES256 signing (node:crypto, one thread): ${Math.round(signing)} ops/s\n`)
  // The kinds alternate, in a rotated order each round, so drift in the machine (other
  // load, caches, clocks) falls on all alike; the ratios use the rounds' means.
  const results = new Map<Kind, Row[][]>(CHOSEN.map((k) => [k, []]))
  const peaks = new Map<Kind, number>()
  const runKind = async (kind: Kind): Promise<Row[]> => {
    switch (kind) {
      case 'peer': return benchPeer()
      case 'peer-secret': return benchPeer(randomBytes(32).toString('base64url'))
      default: {
        const run = await benchBehorig(adminUrl, kind === 'baseline' ? 'scripts/bench/token-server.ts' : 'src/server.ts', { redis: kind.startsWith('redis'), processes: kind === 'redis-2' ? 2 : 1 })
        peaks.set(kind, Math.max(peaks.get(kind) ?? 0, run.peakRss))
        return run.rows
      }
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...CHOSEN.slice(round % CHOSEN.length), ...CHOSEN.slice(0, round % CHOSEN.length)]
    for (const kind of order) results.get(kind)?.push(await runKind(kind))
  }
  const fmt = (r: Row) => `${String(Math.round(r.rps)).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.ok} ok, ${r.failed} failed)   CPU cores: server ${r.cpu.server.toFixed(2)}, postgres ${r.cpu.postgres.toFixed(2)}, load ${r.cpu.load.toFixed(2)}; machine ${r.cpu.machine.toFixed(2)} of ${availableParallelism()}`
  const titles: Record<Kind, string> = {
    audited: 'POST /v1/attribute-tokens, behorig on PostgreSQL, audited, one process, no Redis',
    baseline: 'POST /v1/attribute-tokens, the same without issuance audit events (baseline)',
    peer: 'oidc-provider client_credentials + JWT access token, private_key_jwt (peer)',
    'peer-secret': 'oidc-provider client_credentials + JWT access token, client_secret_post (peer-secret)',
    'redis-1': 'POST /v1/attribute-tokens, audited, with Redis, one process (redis-1)',
    'redis-2': 'POST /v1/attribute-tokens, audited, with Redis, BEHORIG_PROCESSES=2 (redis-2)'
  }
  for (const [kind, rounds] of results) {
    const peak = peaks.get(kind)
    process.stdout.write(`\n${titles[kind]}${peak !== undefined ? ` (peak RSS of the largest process ${peak} MB)` : ''}\n`)
    for (const [round, rows] of rounds.entries()) for (const r of rows) process.stdout.write(`  round ${round + 1}  ${String(r.connections).padStart(3)} connections  ${fmt(r)}\n`)
  }
  const mean = (kind: Kind, i: number): number | undefined => {
    const rounds = results.get(kind)
    return rounds && rounds.length > 0 ? rounds.reduce((sum, rows) => sum + (rows[i] as Row).rps, 0) / rounds.length : undefined
  }
  const worstP99 = (kind: Kind): number | undefined => {
    const rounds = results.get(kind)
    return rounds && rounds.length > 0 ? Math.max(...rounds.map((rows) => (rows[CONNECTIONS.indexOf(64)] as Row).p99)) : undefined
  }
  const verdict = (met: boolean): string => met ? 'met' : 'NOT met'
  process.stdout.write('\nratios and targets (not asserted; means over the rounds):\n')
  for (const [i, c] of CONNECTIONS.entries()) {
    const ours = mean('audited', i)
    if (ours === undefined) continue
    const parts = [`${c} connections: ${Math.round(ours)} req/s audited`]
    const peer = mean('peer', i)
    if (peer !== undefined) parts.push(`${(ours / peer).toFixed(2)}× peer (target ≥ 1.5×: ${verdict(ours / peer >= 1.5)})`)
    const secret = mean('peer-secret', i)
    if (secret !== undefined) parts.push(`${(ours / secret).toFixed(2)}× peer-secret${c === 64 ? ` (target ≥ 1.0×: ${verdict(ours / secret >= 1)})` : ''}`)
    const baseline = mean('baseline', i)
    if (baseline !== undefined) parts.push(`auditing costs ${((1 - ours / baseline) * 100).toFixed(1)} % throughput`)
    parts.push(`${(ours / signing * 100).toFixed(1)} % of one thread's raw signing ceiling`)
    process.stdout.write(`  ${parts.join('; ')}\n`)
  }
  for (const [i, c] of CONNECTIONS.entries()) {
    const one = mean('redis-1', i)
    const two = mean('redis-2', i)
    if (one !== undefined && two !== undefined) process.stdout.write(`  ${c} connections: 2 processes ÷ 1 process (both with Redis) ${(two / one).toFixed(2)} (${Math.round(two)} / ${Math.round(one)} req/s)\n`)
  }
  // What one request costs the whole machine (server, PostgreSQL, load generator, all else):
  // with the machine's cores the limit, req/s can only grow as this shrinks.
  for (const [i, c] of CONNECTIONS.entries()) {
    const costs = [...results].filter(([, rounds]) => rounds.length > 0).map(([kind, rounds]) => `${kind} ${Math.round(rounds.reduce((sum, rows) => sum + (rows[i] as Row).cpu.machine / (rows[i] as Row).rps, 0) / rounds.length * 1e6)} µs`)
    process.stdout.write(`  ${c} connections: machine CPU per request: ${costs.join(', ')}\n`)
  }
  const ours = worstP99('audited')
  const peer = worstP99('peer')
  if (ours !== undefined && peer !== undefined) process.stdout.write(`  p99 at 64 connections, worst round: ${ours} ms audited, ${peer} ms peer (target ≤ the peer's: ${verdict(ours <= peer)})\n`)
}

await main()
