/**
 * Access to the real PostgreSQL, Redis and OpenLDAP that
 * `scripts/with-test-services.sh` provides (`npm test` runs tap through it).
 *
 * Tap runs test files in parallel against the same servers, so each test file
 * should use its own database (`freshDatabaseUrl`), its own Redis key prefix
 * (`uniqueTestId`) and its own LDAP subtree (`freshLdapOu`).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Client as LdapClient, NoSuchObjectError } from 'ldapts'

export interface LdapSettings {
  url: string
  bindDN: string
  bindPassword: string
  baseDN: string
  /** Only for the throwaway slapd: its config and mdb directory (offline `slapadd -q`). */
  slapdConf?: string
  dataDir?: string
}

export interface TestServices {
  databaseUrl: string
  redisUrl: string
  ldap: LdapSettings
}

const HOW_TO_RUN =
  'Run the tests through `npm test` (or `bash scripts/with-test-services.sh npx tap <file>`), ' +
  'which starts throwaway PostgreSQL, Redis and OpenLDAP servers and sets the variables.'

function requireEnv (names: string[]): string[] {
  const missing = names.filter((n) => !process.env[n])
  if (missing.length > 0) {
    throw new Error(`test services: ${missing.join(', ')} not set. ${HOW_TO_RUN}`)
  }
  return names.map((n) => process.env[n] as string)
}

/** `DATABASE_URL` (a superuser connection; create databases with `freshDatabaseUrl`). */
export function requireDatabaseUrl (): string {
  const [url] = requireEnv(['DATABASE_URL'])
  return url as string
}

/** `REDIS_URL`, e.g. `redis://127.0.0.1:PORT`. */
export function requireRedisUrl (): string {
  const [url] = requireEnv(['REDIS_URL'])
  return url as string
}

/** `LDAP_URL`, `LDAP_BIND_DN`, `LDAP_BIND_PASSWORD`, `LDAP_BASE_DN`. */
export function requireLdap (): LdapSettings {
  const [url, bindDN, bindPassword, baseDN] = requireEnv([
    'LDAP_URL',
    'LDAP_BIND_DN',
    'LDAP_BIND_PASSWORD',
    'LDAP_BASE_DN',
  ]) as [string, string, string, string]
  const settings: LdapSettings = { url, bindDN, bindPassword, baseDN }
  if (process.env.LDAP_SLAPD_CONF) settings.slapdConf = process.env.LDAP_SLAPD_CONF
  if (process.env.LDAP_DATA_DIR) settings.dataDir = process.env.LDAP_DATA_DIR
  return settings
}

/** All three services; throws (naming every missing variable) if any is absent. */
export function requireServices (): TestServices {
  requireEnv(['DATABASE_URL', 'REDIS_URL', 'LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN'])
  return { databaseUrl: requireDatabaseUrl(), redisUrl: requireRedisUrl(), ldap: requireLdap() }
}

/** `behorig_t_<12 hex chars>`: a name no other test file uses (database, key prefix, OU). */
export function uniqueTestId (): string {
  return `behorig_t_${randomBytes(6).toString('hex')}`
}

export interface FreshDatabase {
  /** Connection URL of the new, empty database. */
  url: string
  name: string
  /** Drops the database, ending any connections still open to it. Safe to call twice. */
  drop(): Promise<void>
}

async function withAdminClient<T> (adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * Creates a new empty database `behorig_t_<random>` on the server of
 * `databaseUrl` (default `DATABASE_URL`) and returns its URL. Use one per test
 * file and call `drop()` in teardown, e.g. `t.teardown(db.drop)`.
 */
export async function freshDatabaseUrl (databaseUrl: string = requireDatabaseUrl()): Promise<FreshDatabase> {
  const name = uniqueTestId()
  await withAdminClient(databaseUrl, (c) => c.query(`CREATE DATABASE "${name}"`))
  const url = new URL(databaseUrl)
  url.pathname = `/${name}`
  let dropped: Promise<void> | undefined
  const drop = (): Promise<void> => {
    dropped ??= withAdminClient(databaseUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    })
    return dropped
  }
  return { url: url.toString(), name, drop }
}

export interface FreshLdapOu {
  /** DN of the new organizationalUnit, e.g. `ou=behorig_t_ab12…,dc=exempel,dc=se`. */
  baseDN: string
  /** Deletes the OU and everything below it. Safe to call twice. */
  drop(): Promise<void>
}

/** Runs `fn` with a client bound as the test server's admin (`LDAP_BIND_DN`), unbound after. */
export async function withLdapAdmin<T> (ldap: LdapSettings, fn: (client: LdapClient) => Promise<T>): Promise<T> {
  const client = new LdapClient({ url: ldap.url, connectTimeout: 5000, timeout: 30000 })
  try {
    await client.bind(ldap.bindDN, ldap.bindPassword)
    return await fn(client)
  } finally {
    await client.unbind()
  }
}

/**
 * Creates `ou=behorig_t_<random>` under `LDAP_BASE_DN` (bound as `LDAP_BIND_DN`)
 * so a test file gets its own subtree in the shared directory.
 */
export async function freshLdapOu (ldap: LdapSettings = requireLdap()): Promise<FreshLdapOu> {
  const ou = uniqueTestId()
  const baseDN = `ou=${ou},${ldap.baseDN}`
  const withClient = <T>(fn: (c: LdapClient) => Promise<T>): Promise<T> => withLdapAdmin(ldap, fn)
  await withClient((c) => c.add(baseDN, { objectClass: ['top', 'organizationalUnit'], ou }))
  let dropped: Promise<void> | undefined
  const drop = (): Promise<void> => {
    dropped ??= withClient(async (c) => {
      let dns: string[]
      try {
        const { searchEntries } = await c.search(baseDN, { scope: 'sub', attributes: ['1.1'], paged: true })
        dns = searchEntries.map((e) => e.dn)
      } catch (err) {
        if (err instanceof NoSuchObjectError) return
        throw err
      }
      // Longest DN first: an entry's DN is always longer than its parent's.
      dns.sort((a, b) => b.length - a.length)
      for (const dn of dns) await c.del(dn)
    })
    return dropped
  }
  return { baseDN, drop }
}
