import t from 'tap'
import { databaseBefore } from '../helpers/migration-runner.js'

t.test('migration 0016 gives the accounts of SCIM Users pushed before it their userName, and no other account a name', async (t) => {
  const { client, migrateRest, rest } = await databaseBefore(t, '0016')

  // As 0015 left them: a scim source with one User and its account, an ldap source's account.
  await client.query('insert into organisations (number, name, kind) values ($1, $2, $3)', ['2120001124', 'Exempelkommun', 'municipality'])
  await client.query(`insert into sources (organisation, id, kind, safety, config) values
    ('2120001124', 'entra', 'scim', '{}', '{}'), ('2120001124', 'ad', 'ldap', '{}', '{}')`)
  await client.query(`insert into scim_resources (organisation, source, resource_type, id, user_name, dn, resource) values
    ('2120001124', 'entra', 'User', 'u-1', 'Anna.Svensson@exempelkommun.se', 'uid=u-1,ou=users,ou=entra,o=scim', '{}'),
    ('2120001124', 'entra', 'Group', 'g-1', null, 'cn=eb,ou=groups,ou=entra,o=scim', '{}')`)
  await client.query(`insert into directory_accounts (organisation, source, unique_id, dn, record_hash, last_run) values
    ('2120001124', 'entra', 'u-1', 'uid=u-1,ou=users,ou=entra,o=scim', 'h', 'run_1'),
    ('2120001124', 'ad', 'u-1', 'cn=anna,ou=people,dc=exempel,dc=se', 'h', 'run_2')`)

  t.same(await migrateRest(), rest)
  const { rows } = await client.query('select source, username from directory_accounts order by source')
  t.same(rows, [{ source: 'ad', username: null }, { source: 'entra', username: 'Anna.Svensson@exempelkommun.se' }], 'only the SCIM User\'s account, by source and id')
})
