import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ldapFixtureEntries, ldapFixtureLdif, ldifRecord, rdnValue } from '../../scripts/bench/ldap-fixture.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { loopbackGuard } from '../helpers/outbound.js'
import { parseLdapSourceConfig } from '../../src/directory/ldap-source-config.js'
import { dnKey, type DirectoryAccount, type DirectoryGroup } from '../../src/directory/directory-records.js'
import { GroupResolver } from '../../src/directory/group-resolver.js'
import { freshLdapOu, requireLdap } from '../helpers/services.js'

const run = promisify(execFile)

t.test('LDIF records: plain ASCII as is, anything else base64', async (t) => {
  t.equal(ldifRecord('cn=Anna,dc=x', { cn: 'Anna', objectClass: ['top', 'person'] }), 'dn: cn=Anna,dc=x\ncn: Anna\nobjectClass: top\nobjectClass: person\n\n')
  t.equal(ldifRecord('cn=Åsa,dc=x', { sn: 'Öberg', description: ' leading space', note: ':colon', tail: 'x ' }),
    `dn:: ${b64('cn=Åsa,dc=x')}\nsn:: ${b64('Öberg')}\ndescription:: ${b64(' leading space')}\nnote:: ${b64(':colon')}\ntail:: ${b64('x ')}\n\n`)
  t.equal(rdnValue('Vuxna, missbruk och beroende'), 'Vuxna\\, missbruk och beroende')
  t.equal(rdnValue('#1 a+b '), '\\#1 a\\+b\\ ')
})

t.test('the same options give the same LDIF, chunked', async (t) => {
  const once = [...ldapFixtureLdif({ users: 300, groups: 20, seed: 3 })].join('')
  t.equal([...ldapFixtureLdif({ users: 300, groups: 20, seed: 3 })].join(''), once)
  t.not([...ldapFixtureLdif({ users: 300, groups: 20, seed: 4 })].join(''), once)
  const users = [...ldapFixtureLdif({ users: 300, groups: 20, seed: 3 }, 'users')].join('')
  const groups = [...ldapFixtureLdif({ users: 300, groups: 20, seed: 3 }, 'groups')].join('')
  t.equal(users + groups, once, 'users then groups, split where slapadd and ldapadd part')
})

t.test('a generated directory loads into OpenLDAP with ldapadd and reads back whole', async (t) => {
  const ldap = requireLdap()
  const ou = await freshLdapOu(ldap)
  t.teardown(ou.drop)
  const options = { users: 600, groups: 30, baseDn: ou.baseDN, baseEntry: false, seed: 5 }
  const dir = await mkdtemp(join(tmpdir(), 'behorig-ldif-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'fixture.ldif'), [...ldapFixtureLdif(options)].join(''))
  await writeFile(join(dir, 'password'), ldap.bindPassword, { mode: 0o600 })
  await run('ldapadd', ['-x', '-H', ldap.url, '-D', ldap.bindDN, '-y', join(dir, 'password'), '-f', join(dir, 'fixture.ldif')], { maxBuffer: 16 << 20 })

  const config = parseLdapSourceConfig({
    url: ldap.url,
    bind_dn: ldap.bindDN,
    bind_password: ldap.bindPassword,
    user_base_dn: `ou=people,${ou.baseDN}`,
    group_base_dn: `ou=groups,${ou.baseDN}`,
    attributes: { disabled: 'employeeType' },
    disabled_attribute: { values: ['disabled'] },
    page_size: 100
  })
  const accounts: DirectoryAccount[] = []
  const groups: DirectoryGroup[] = []
  for await (const account of ldapReader(config, loopbackGuard).readAccounts()) accounts.push(account)
  for await (const group of ldapReader(config, loopbackGuard).readGroups()) groups.push(group)
  const generated = [...ldapFixtureEntries(options)]
  t.equal(accounts.length, 600)
  t.equal(groups.length, 30)
  t.equal(accounts.filter((a) => a.disabled).length, generated.filter((e) => e.attributes.employeeType === 'disabled').length)
  t.equal(accounts.filter((a) => a.employee_number === null).length, generated.filter((e) => e.kind === 'user' && !e.attributes.employeeNumber).length)

  const accountKeys = new Set(accounts.map((a) => dnKey(a.dn)))
  // OpenLDAP hands DNs out with the comma as a hex pair (`Vuxna\2C missbruk`); dnKey makes it `\,` again.
  const vuxna = accounts.find((a) => dnKey(a.dn).includes('ou=vuxna\\, missbruk och beroende'))
  t.ok(vuxna, 'an OU with an escaped comma is in the tree')
  t.comment(`spelled by OpenLDAP as ${vuxna?.dn}`)
  t.same(groups.flatMap((g) => g.members).filter((m) => !accountKeys.has(m)), [], 'every member DN the generator wrote names an account')
  const grp = (n: number): DirectoryGroup | undefined => groups.find((g) => g.cn === `grp-${n}`)
  t.ok(grp(0)?.nested_groups.includes(dnKey(grp(1)?.dn as string)) && grp(1)?.nested_groups.includes(dnKey(grp(0)?.dn as string)), 'grp-0 and grp-1 form a cycle')
  const resolver = new GroupResolver()
  for (const g of groups) resolver.add(g)
  const memberOfGrp1 = grp(1)?.members[0] as string
  t.ok(resolver.groupsOf(memberOfGrp1).some((m) => m.dn === grp(0)?.dn && m.via?.[0] === grp(1)?.dn), 'resolved through the cycle')
})

function b64 (text: string): string {
  return Buffer.from(text, 'utf8').toString('base64')
}
