import t from 'tap'
import { dnKey } from '../../src/directory/directory-records.js'
import { normaliseDn } from '../../src/directory/dn-normaliser.js'

t.test('the same DN spelled differently has one key', async (t) => {
  const key = dnKey('cn=Handläggare,ou=Ekonomiskt bistånd,dc=exempel,dc=se')
  for (const spelling of [
    'CN=Handläggare,OU=Ekonomiskt bistånd,DC=exempel,DC=se',
    'cn = Handläggare , ou = Ekonomiskt bistånd , dc=exempel, dc=se',
    'cn=HANDLÄGGARE,ou=EKONOMISKT BISTÅND,dc=EXEMPEL,dc=SE',
    'cn=Handl\\C3\\A4ggare,ou=Ekonomiskt bist\\c3\\a5nd,dc=exempel,dc=se'
  ]) t.equal(dnKey(spelling), key, spelling)
})

t.test('the key is the mapping rules\' normal form, so group conditions compare with it', async (t) => {
  const dn = 'CN=SOC-EB-Handlaggare, OU=Groups,DC=exempel,DC=se'
  t.equal(dnKey(dn), normaliseDn(dn))
})

t.test('escaped special characters stay escaped, in either spelling', async (t) => {
  t.equal(dnKey('cn=Lindqvist\\2C Per,ou=IT,dc=x'), dnKey('cn=Lindqvist\\, Per,ou=IT,dc=x'))
  t.equal(dnKey('cn=Lindqvist\\, Per,ou=IT,dc=x'), 'cn=lindqvist\\, per,ou=it,dc=x')
  t.not(dnKey('cn=Lindqvist\\, Per,ou=IT,dc=x'), dnKey('cn=Lindqvist,cn=Per,ou=IT,dc=x'), 'an escaped comma does not split the RDN')
  t.equal(dnKey('cn=a\\5c,dc=x'), dnKey('cn=a\\\\,dc=x'), 'an escaped backslash')
  t.equal(dnKey('cn=a\\\\41,dc=x'), 'cn=a\\\\41,dc=x', 'hex after an escaped backslash is text')
  t.equal(dnKey('cn=a\\ff,dc=x'), 'cn=a\\ff,dc=x', 'bytes that are not UTF-8 stay as they were')
})

t.test('different DNs keep different keys', async (t) => {
  t.not(dnKey('cn=Handläggare,ou=Ekonomiskt bistånd,dc=x'), dnKey('cn=Handläggare,ou=Barn och unga,dc=x'))
  t.not(dnKey('cn=Handlaggare,dc=x'), dnKey('cn=Handläggare,dc=x'))
})
