import t from 'tap'
import { Client, FilterParser } from 'ldapts'
import { andFilter, checkAttributeName, comparisonFilter, equalityFilter, escapeFilterValue, isOneFilter, orFilter } from '../../src/directory/ldap-filter.js'
import { requireLdap } from '../helpers/services.js'
import { loadMunicipalDirectory, USER_KEYS } from './helpers/municipal-directory.js'

const INJECTION = '*)(uid=*))(|(uid=*'

t.test('escapes the characters RFC 4515 reserves and leaves the rest', async (t) => {
  t.equal(escapeFilterValue(INJECTION), '\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a')
  t.equal(escapeFilterValue('a\\b\u0000c'), 'a\\5cb\\00c')
  t.equal(escapeFilterValue('Åsa Öberg (vikarie)'), 'Åsa Öberg \\28vikarie\\29', 'UTF-8 stays literal')
  t.equal(escapeFilterValue('\\2a'), '\\5c2a', 'an escape sequence in the input is text, not an escape')
})

t.test('a filter built from a hostile value parses as one equality assertion of that literal value', async (t) => {
  const filter = equalityFilter('uid', INJECTION)
  const parsed = FilterParser.parseString(filter) as unknown as { attribute: string, value: string }
  t.equal(parsed.constructor.name, 'EqualityFilter')
  t.equal(parsed.attribute, 'uid')
  t.equal(parsed.value, INJECTION)
})

t.test('combinators and comparisons', async (t) => {
  t.equal(andFilter('(a=1)', '(b=2)'), '(&(a=1)(b=2))')
  t.equal(andFilter('(a=1)'), '(a=1)')
  t.equal(orFilter('(a=1)', '(b=2)'), '(|(a=1)(b=2))')
  t.equal(comparisonFilter('modifyTimestamp', '>=', '20240501101500Z'), '(modifyTimestamp>=20240501101500Z)')
})

t.test('tells one filter from several, unbalanced or trailing text', async (t) => {
  for (const one of ['(a=b)', '(&(a=b)(|(c=d)(e=f)))', '(cn=x\\29y)', '(cn=\\28)', '(!(a=b))']) t.ok(isOneFilter(one), one)
  for (const not of ['(a=b)(c=d)', '(|(a=b)', '(a=b))', 'a=b', '(a=b)x', '', '(a=\\)']) t.notOk(isOneFilter(not), not)
})

t.test('attribute names are checked, not escaped', async (t) => {
  for (const good of ['mail', 'employeeNumber', 'userAccountControl', '2.5.4.3', 'cn;lang-sv']) t.equal(checkAttributeName(good), good)
  for (const bad of ['mail)(uid=*', 'mail=x', '', 'a b', '1.', '-x']) t.throws(() => equalityFilter(bad, 'x'), /not an LDAP attribute name/, JSON.stringify(bad))
})

t.test('against OpenLDAP: a hostile value finds nothing, a value with parentheses finds its entry', async (t) => {
  const ldap = requireLdap()
  const directory = await loadMunicipalDirectory(t, ldap)
  const client = new Client({ url: ldap.url, timeout: 10000 })
  t.teardown(() => client.unbind())
  await client.bind(ldap.bindDN, ldap.bindPassword)
  const count = async (filter: string): Promise<number> => (await client.search(directory.peopleDn, { filter, attributes: ['1.1'] })).searchEntries.length

  t.equal(await count('(&(objectClass=inetOrgPerson)(uid=*))'), USER_KEYS.length, 'the baseline: everyone has a uid')
  t.equal(await count(andFilter('(objectClass=inetOrgPerson)', equalityFilter('uid', '*'))), 0, 'an escaped * is a literal *, not a wildcard')
  t.equal(await count(andFilter('(objectClass=inetOrgPerson)', equalityFilter('uid', INJECTION))), 0)
  t.equal(await count(equalityFilter('displayName', 'Lena Holm (vikarie)')), 1)
  t.equal(await count(equalityFilter('displayName', 'Örjan Åberg')), 1, 'non-ASCII left literal matches')
})
