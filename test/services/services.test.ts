// Proves that the servers scripts/with-test-services.sh provides answer, and
// that the helpers in test/helpers/services.ts work against them.
import t from 'tap'
import pg from 'pg'
import { Redis } from 'ioredis'
import { Client as LdapClient, InvalidCredentialsError } from 'ldapts'
import {
  freshDatabaseUrl,
  freshLdapOu,
  requireDatabaseUrl,
  requireLdap,
  requireServices,
  uniqueTestId,
} from '../helpers/services.js'

const services = requireServices()

t.test('helpers fail clearly when a variable is missing', async (t) => {
  const saved = process.env.DATABASE_URL
  delete process.env.DATABASE_URL
  try {
    t.throws(() => requireDatabaseUrl(), /DATABASE_URL not set.*npm test/)
    t.throws(() => requireServices(), /DATABASE_URL not set/)
  } finally {
    process.env.DATABASE_URL = saved
  }
  t.equal(requireDatabaseUrl(), saved)
  t.match(uniqueTestId(), /^behorig_t_[0-9a-f]{12}$/)
})

t.test('postgres answers select 1', async (t) => {
  const client = new pg.Client({ connectionString: services.databaseUrl })
  await client.connect()
  t.teardown(() => client.end())
  const { rows } = await client.query<{ one: number }>('select 1 as one')
  t.same(rows, [{ one: 1 }])
})

t.test('freshDatabaseUrl creates and drops a database', async (t) => {
  const db = await freshDatabaseUrl()
  t.teardown(db.drop)
  t.match(db.name, /^behorig_t_[0-9a-f]{12}$/)
  t.ok(db.url.endsWith(`/${db.name}`), 'url points at the new database')

  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  const { rows } = await client.query<{ db: string }>('select current_database() as db')
  t.equal(rows[0]?.db, db.name)
  // A connection left open must not stop drop() (DROP DATABASE ... WITH (FORCE)).
  client.on('error', () => {})
  await db.drop()
  await db.drop() // idempotent

  const admin = new pg.Client({ connectionString: services.databaseUrl })
  await admin.connect()
  t.teardown(() => admin.end())
  const left = await admin.query('select 1 from pg_database where datname = $1', [db.name])
  t.equal(left.rowCount, 0, 'database is gone')
  await client.end().catch(() => {})
})

t.test('redis answers PING', async (t) => {
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true })
  await redis.connect()
  t.teardown(() => redis.quit())
  t.equal(await redis.ping(), 'PONG')
  const key = `${uniqueTestId()}:k`
  await redis.set(key, 'v', 'EX', 60)
  t.equal(await redis.get(key), 'v')
  await redis.del(key)
})

t.test('ldap: bind and base search', async (t) => {
  const ldap = requireLdap()
  const client = new LdapClient({ url: ldap.url, connectTimeout: 5000, timeout: 10000 })
  t.teardown(() => client.unbind())
  await client.bind(ldap.bindDN, ldap.bindPassword)
  const { searchEntries } = await client.search(ldap.baseDN, { scope: 'base', attributes: ['objectClass', 'dc'] })
  t.equal(searchEntries.length, 1)
  t.equal(searchEntries[0]?.dn, ldap.baseDN)
  t.same([searchEntries[0]?.objectClass].flat().sort(), ['dcObject', 'organization'])

  const wrong = new LdapClient({ url: ldap.url, connectTimeout: 5000, timeout: 10000 })
  await t.rejects(wrong.bind(ldap.bindDN, 'not-the-password'), InvalidCredentialsError)
  await wrong.unbind()
})

t.test('ldap: memberOf overlay and unlimited paged searches for a plain user', async (t) => {
  const ldap = requireLdap()
  const ou = await freshLdapOu()
  t.teardown(ou.drop)

  const admin = new LdapClient({ url: ldap.url, timeout: 30000 })
  t.teardown(() => admin.unbind())
  await admin.bind(ldap.bindDN, ldap.bindPassword)

  // More entries than slapd's default size limit (500).
  const n = 520
  const userDN = (i: number) => `uid=u${i},${ou.baseDN}`
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, (_, k) =>
        admin.add(userDN(i + k), {
          objectClass: ['inetOrgPerson'],
          uid: `u${i + k}`,
          cn: `User ${i + k}`,
          sn: 'Test',
          userPassword: 'pw-u0',
        })
      )
    )
  }
  const groupDN = `cn=g1,${ou.baseDN}`
  await admin.add(groupDN, { objectClass: ['groupOfNames'], cn: 'g1', member: [userDN(0), userDN(1)] })

  const user = new LdapClient({ url: ldap.url, timeout: 30000 })
  t.teardown(() => user.unbind())
  await user.bind(userDN(0), 'pw-u0')

  const { searchEntries: me } = await user.search(userDN(0), { scope: 'base', attributes: ['memberOf'] })
  t.same(me[0]?.memberOf, groupDN, 'memberOf is maintained by the overlay')

  const { searchEntries } = await user.search(ou.baseDN, {
    scope: 'one',
    filter: '(objectClass=inetOrgPerson)',
    attributes: ['uid'],
    paged: { pageSize: 100 },
  })
  t.equal(searchEntries.length, n, 'paged search as a non-root user returns every entry')

  const { searchEntries: pw } = await user.search(userDN(1), { scope: 'base', attributes: ['userPassword'] })
  t.same([pw[0]?.userPassword ?? []].flat(), [], 'userPassword is not readable by other users')

  await ou.drop()
  const gone = await admin.search(ldap.baseDN, { scope: 'one', filter: `(ou=${ou.baseDN.slice(3, ou.baseDN.indexOf(','))})` })
  t.equal(gone.searchEntries.length, 0, 'freshLdapOu drop() removed the subtree')
})
