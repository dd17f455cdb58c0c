import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'

t.test('defaults match the README', async (t) => {
  const c = loadConfig({})
  t.match(c, { port: 3000, host: '127.0.0.1', issuer: 'http://127.0.0.1:3000', dataDir: './data', redisUrl: undefined, logLevel: 'info' })
  t.equal(c.store.url, undefined)
  t.equal(c.store.embeddedDir, 'data/pglite')
  t.equal(c.uploadLeaseMs, 60000)
})

t.test('reads the documented variables', async (t) => {
  const c = loadConfig({ PORT: '8443', BEHORIG_ISSUER: 'https://behorig.exempel.se/', DATABASE_URL: 'postgres://u@db/behorig', REDIS_URL: 'redis://r:6379', BEHORIG_DB_POOL_SIZE: '20' })
  t.equal(c.port, 8443)
  t.equal(c.issuer, 'https://behorig.exempel.se', 'trailing slash dropped')
  t.equal(c.store.url, 'postgres://u@db/behorig')
  t.equal(c.store.poolSize, 20)
  t.equal(c.redisUrl, 'redis://r:6379')
})

t.test('a bad value names the variable and what was expected, hiding secrets', async (t) => {
  const err = t.throws(() => loadConfig({ PORT: 'eighty', BEHORIG_ADMIN_TOKEN: 'short-secret', LOG_LEVEL: 'loud' })) as ConfigError
  t.ok(err instanceof ConfigError)
  t.match(err.message, /PORT must be integer; got "eighty"/)
  t.match(err.message, /BEHORIG_ADMIN_TOKEN .*\(value hidden\)/)
  t.match(err.message, /LOG_LEVEL must be equal to one of the allowed values/)
  t.notOk(err.message.includes('short-secret'))
  t.equal(err.problems.length, 3)
})

t.test('the README documents every environment variable the service reads', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { EnvSchema } = await import('../../src/config/config-schema.js')
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  for (const name of Object.keys(EnvSchema.properties)) t.ok(readme.includes(`\`${name}\``), `${name} is in the README`)
})

t.test('signing keys: ES256 by default, EdDSA selectable, pre-publication shorter than rotation', async (t) => {
  t.same(loadConfig({}).keys, { alg: 'ES256', rotationSeconds: 2592000, prepublishSeconds: 86400 })
  t.same(loadConfig({ BEHORIG_SIGNING_ALG: 'EdDSA', BEHORIG_KEY_ROTATION_SECONDS: '7200', BEHORIG_KEY_PREPUBLISH_SECONDS: '3600' }).keys, { alg: 'EdDSA', rotationSeconds: 7200, prepublishSeconds: 3600 })
  t.throws(() => loadConfig({ BEHORIG_SIGNING_ALG: 'HS256' }), /BEHORIG_SIGNING_ALG must be equal to one of the allowed values/)
  const err = t.throws(() => loadConfig({ BEHORIG_KEY_ROTATION_SECONDS: '7200', BEHORIG_KEY_PREPUBLISH_SECONDS: '7200' })) as ConfigError
  t.ok(err instanceof ConfigError)
  t.match(err.message, /BEHORIG_KEY_PREPUBLISH_SECONDS \(7200\) must be less than BEHORIG_KEY_ROTATION_SECONDS \(7200\)/)
})

t.test('the outbound exception list: unset is none; host names, addresses and CIDRs; anything else stops start-up', async (t) => {
  t.same(loadConfig({}).outbound, { allowPrivate: [] })
  t.same(loadConfig({ BEHORIG_ALLOW_PRIVATE_FETCH: ' 127.0.0.1, ::1 ,10.0.0.0/8,fd00::/8, dc1.intern ' }).outbound, { allowPrivate: ['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8', 'dc1.intern'] })
  t.throws(() => loadConfig({ BEHORIG_ALLOW_PRIVATE_FETCH: '10.0.0.0/40' }), /BEHORIG_ALLOW_PRIVATE_FETCH: "10.0.0.0\/40" is neither a host name nor an IP address or CIDR network/)
})

t.test('BEHORIG_PROCESSES: a number, or auto; more than one needs the shared store and Redis', async (t) => {
  t.equal(loadConfig({}).processes, 1, 'one by default')
  t.equal(loadConfig({ BEHORIG_PROCESSES: 'auto' }).processes, 1, 'auto on the embedded store is one')
  const shared = { DATABASE_URL: 'postgres://u@db/behorig', REDIS_URL: 'redis://r:6379' }
  t.equal(loadConfig({ ...shared, BEHORIG_PROCESSES: '3' }).processes, 3)
  t.ok(loadConfig({ ...shared, BEHORIG_PROCESSES: 'auto' }).processes >= 1, 'auto with them: one per core')
  const alone = t.throws(() => loadConfig({ DATABASE_URL: shared.DATABASE_URL, BEHORIG_PROCESSES: '2' })) as ConfigError
  t.match(alone.message, /BEHORIG_PROCESSES 2 needs DATABASE_URL and REDIS_URL/)
  const zero = t.throws(() => loadConfig({ BEHORIG_PROCESSES: '0' })) as ConfigError
  t.match(zero.message, /BEHORIG_PROCESSES must match pattern/)
})

t.test('the metrics token is at least 32 characters and never shown', async (t) => {
  const err = t.throws(() => loadConfig({ BEHORIG_METRICS_TOKEN: 'short-metrics-secret' })) as ConfigError
  t.match(err.message, /BEHORIG_METRICS_TOKEN .*\(value hidden\)/)
  t.notOk(err.message.includes('short-metrics-secret'))
  const token = 'a-metrics-token-of-forty-characters-0123'
  t.equal(loadConfig({ BEHORIG_METRICS_TOKEN: token }).metricsToken, token)
  t.equal(loadConfig({}).metricsToken, undefined)
})
