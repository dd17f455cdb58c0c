// Tests of scripts/with-test-services.sh itself: exit code passthrough, cleanup,
// and use of servers given in the environment.
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { requireServices } from '../helpers/services.js'

const script = fileURLToPath(new URL('../../scripts/with-test-services.sh', import.meta.url))
const SERVICE_VARS = ['DATABASE_URL', 'REDIS_URL', 'LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN']

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run (args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function withoutServiceVars (): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const v of SERVICE_VARS) delete env[v]
  return env
}

function portOpen (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

t.test('starts throwaway servers, passes the exit code through, cleans up', async (t) => {
  const r = await run(
    ['bash', '-c', 'echo "$DATABASE_URL $REDIS_URL $LDAP_URL $LDAP_SLAPD_CONF $LDAP_BASE_DN"; exit 3'],
    withoutServiceVars()
  )
  t.equal(r.code, 3, 'exit code of CMD')
  const [db, redis, ldap, conf, base] = r.stdout.trim().split(' ') as [string, string, string, string, string]
  t.match(db, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/)
  t.match(redis, /^redis:\/\/127\.0\.0\.1:\d+$/)
  t.match(ldap, /^ldap:\/\/127\.0\.0\.1:\d+$/)
  t.equal(base, 'dc=exempel,dc=se')
  t.match(r.stderr, /postgres on 127\.0\.0\.1:\d+ \(throwaway/)
  t.notMatch(r.stderr, /PASSWORD|rootpw/i, 'no secrets printed')

  const ports = [db, redis, ldap].map((u) => Number(new URL(u).port))
  for (const port of ports) t.notOk(await portOpen(port), `nothing listens on ${port} any more`)
  t.notOk(existsSync(dirname(dirname(conf))), 'temp directory removed')
})

t.test('uses servers given in the environment as they are', async (t) => {
  const given = requireServices()
  // eslint-disable-next-line no-template-curly-in-string -- bash's default-value expansion, not a template
  const r = await run(['bash', '-c', 'echo "$DATABASE_URL|$REDIS_URL|$LDAP_URL|${LDAP_SLAPD_CONF:-none}"'], {
    ...process.env,
    LDAP_SLAPD_CONF: '',
  })
  t.equal(r.code, 0)
  t.equal(r.stdout.trim(), `${given.databaseUrl}|${given.redisUrl}|${given.ldap.url}|none`)
  t.notMatch(r.stderr, /throwaway/, 'nothing started')
})

t.test('an external LDAP_URL needs its bind settings', async (t) => {
  const env = withoutServiceVars()
  env.LDAP_URL = 'ldap://127.0.0.1:1'
  env.DATABASE_URL = 'postgres://unused'
  env.REDIS_URL = 'redis://unused'
  const r = await run(['true'], env)
  t.equal(r.code, 1)
  t.match(r.stderr, /LDAP_BIND_DN LDAP_BIND_PASSWORD LDAP_BASE_DN must be set/)
})
