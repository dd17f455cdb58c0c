import t from 'tap'
import { accountAttributeNames, binaryAttributeNames, isDisabled, toDirectoryAccount } from '../../src/directory/account-entry.js'
import { directoryFlavour, type LdapSourceConfig } from '../../src/directory/ldap-source-config.js'
import { ProblemError } from '../../src/http/problem.js'

const OPENLDAP: Pick<LdapSourceConfig, 'attributes' | 'disabled_attribute'> = {
  attributes: { employee_number: 'employeeNumber', email: 'mail', unique_id: 'entryUUID', display_name: 'displayName', given_name: 'givenName', family_name: 'sn' }
}
const AD: Pick<LdapSourceConfig, 'attributes' | 'disabled_attribute'> = {
  attributes: { ...OPENLDAP.attributes, unique_id: 'objectGUID', disabled: 'userAccountControl' }
}

t.test('Active Directory is told by its attribute names', async (t) => {
  t.equal(directoryFlavour(OPENLDAP), 'ldap')
  t.equal(directoryFlavour(AD), 'active-directory')
  t.equal(directoryFlavour({ attributes: { ...OPENLDAP.attributes, disabled: 'UserAccountControl' } }), 'active-directory')
  t.same(accountAttributeNames(AD).slice(-3), ['userAccountControl', 'whenChanged', 'uSNChanged'])
  t.same(accountAttributeNames(OPENLDAP).at(-1), 'modifyTimestamp')
  t.same(binaryAttributeNames(AD), ['objectGUID', 'objectGUID'])
  t.same(binaryAttributeNames(OPENLDAP), [])
})

t.test('an AD entry: objectGUID in its text form, uSNChanged as the change mark', async (t) => {
  // The GUID {3f2504e0-4f89-11d3-9a0c-0305e82c3301} as AD stores it: first three groups little-endian.
  const guid = Buffer.from('e004253f894fd3119a0c0305e82c3301', 'hex')
  const account = toDirectoryAccount({
    dn: 'CN=Anna Svensson,OU=Norr,DC=exempel,DC=se',
    objectGUID: guid,
    employeeNumber: '100234',
    mail: 'anna.svensson@exempel.se',
    displayName: 'Anna Svensson',
    givenName: 'Anna',
    sn: 'Svensson',
    userAccountControl: '514',
    whenChanged: '20240501101500.0Z',
    uSNChanged: '123456'
  }, AD)
  t.same(account, {
    dn: 'CN=Anna Svensson,OU=Norr,DC=exempel,DC=se',
    unique_id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    employee_number: '100234',
    email: 'anna.svensson@exempel.se',
    display_name: 'Anna Svensson',
    given_name: 'Anna',
    family_name: 'Svensson',
    disabled: true,
    modified_at: '2024-05-01T10:15:00.000Z',
    change_mark: '123456'
  })
})

t.test('absent attributes are null, and names are matched whatever their case', async (t) => {
  const account = toDirectoryAccount({ dn: 'uid=x,dc=y', entryuuid: 'abc', MAIL: 'x@y.se', employeeNumber: [], modifyTimestamp: '20240501101500Z' }, OPENLDAP)
  t.match(account, { unique_id: 'abc', email: 'x@y.se', employee_number: null, display_name: null, disabled: false, change_mark: '2024-05-01T10:15:00.000Z' })
})

t.test('an entry without its unique id is a directory-search-refused problem', async (t) => {
  const error = (() => {
    try {
      toDirectoryAccount({ dn: 'uid=x,dc=y', mail: 'x@y.se' }, OPENLDAP)
    } catch (e) {
      return e
    }
  })()
  t.ok(error instanceof ProblemError)
  t.equal((error as ProblemError).definition.slug, 'directory-search-refused')
  t.match((error as ProblemError).detail, /uid=x,dc=y has no entryUUID/)
})

t.test('disabled: bit masks, value lists, and the defaults', async (t) => {
  t.equal(isDisabled(['512'], 'userAccountControl', undefined), false, 'NORMAL_ACCOUNT')
  t.equal(isDisabled(['514'], 'userAccountControl', undefined), true, 'NORMAL_ACCOUNT | ACCOUNTDISABLE')
  t.equal(isDisabled(['66050'], 'userAccountControl', { bitmask: 2 }), true)
  t.equal(isDisabled(['66048'], 'userAccountControl', { bitmask: 2 }), false)
  t.equal(isDisabled(['16'], 'userAccountControl', { bitmask: 18 }), true, 'any of the bits')
  t.equal(isDisabled(['-2147483646'], 'userAccountControl', { bitmask: 2 }), true, 'a negative 32-bit value')
  t.equal(isDisabled(['not a number'], 'userAccountControl', { bitmask: 2 }), false)
  t.equal(isDisabled(['TRUE'], 'nsAccountLock', undefined), true, 'an LDAP boolean by default')
  t.equal(isDisabled(['false'], 'nsAccountLock', undefined), false)
  t.equal(isDisabled(['Konsult', 'AVSTÄNGD'], 'employeeType', { values: ['avstängd', 'disabled'] }), true, 'any value, case-insensitive')
  t.equal(isDisabled([], 'employeeType', { values: ['disabled'] }), false)
})

t.test('an AD uSNChanged that is not a 64-bit number is no change mark', async (t) => {
  const entry = (uSNChanged: string | string[]) => toDirectoryAccount({ dn: 'CN=x,DC=y', objectGUID: Buffer.alloc(16, 1), uSNChanged }, AD).change_mark
  t.equal(entry(' 98765 '), '98765', 'surrounding blanks are not part of it')
  t.equal(entry('18446744073709551615'), '18446744073709551615', 'the largest 64-bit value')
  for (const bad of ['', 'abc', '-5', '12.5', '1e9', '0x1F', '18446744073709551616', '1)(uid=*', '123456789012345678901']) {
    t.equal(entry(bad), null, JSON.stringify(bad))
  }
  t.equal(entry([]), null, 'absent')
})

t.test('reads the HSA-id only from the attribute configured as attributes.hsa_id', async (t) => {
  const withHsa = { ...OPENLDAP, attributes: { ...OPENLDAP.attributes, hsa_id: 'hsaIdentity' } }
  t.ok(accountAttributeNames(withHsa).includes('hsaIdentity'))
  t.notOk(accountAttributeNames(OPENLDAP).includes('hsaIdentity'))
  const entry = { dn: 'uid=anna,ou=people,dc=exempel,dc=se', entryUUID: '6f1c7b3e-0d1a-4c5e-9f2b-1a2b3c4d5e6f', hsaIdentity: 'SE2120001124-AS1' }
  t.equal(toDirectoryAccount(entry, withHsa).hsa_id, 'SE2120001124-AS1')
  t.notOk('hsa_id' in toDirectoryAccount(entry, OPENLDAP), 'no HSA-id where none is configured')
})

t.test('reads the user name only from the attribute configured as attributes.username', async (t) => {
  const withUsername = { ...OPENLDAP, attributes: { ...OPENLDAP.attributes, username: 'eduPersonPrincipalName' } }
  t.ok(accountAttributeNames(withUsername).includes('eduPersonPrincipalName'))
  t.notOk(accountAttributeNames(OPENLDAP).includes('eduPersonPrincipalName'))
  const entry = { dn: 'uid=anna,ou=people,dc=exempel,dc=se', entryUUID: '6f1c7b3e-0d1a-4c5e-9f2b-1a2b3c4d5e6f', eduPersonPrincipalName: 'Anna.Svensson@exempelkommun.se' }
  t.equal(toDirectoryAccount(entry, withUsername).username, 'Anna.Svensson@exempelkommun.se', 'as the directory spells it')
  t.equal(toDirectoryAccount({ ...entry, eduPersonPrincipalName: [] }, withUsername).username, null, 'configured but absent: null')
  t.notOk('username' in toDirectoryAccount(entry, OPENLDAP), 'no user name where none is configured')
})
