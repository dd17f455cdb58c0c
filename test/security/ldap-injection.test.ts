// LDAP filter injection (RFC 4515). Values reach a filter in two places (src/directory):
// the source config's user_filter and group_filter, which an administrator writes and the
// readers wrap in `(&…)`, and the incremental change mark (`since`), which the directory
// itself supplied on the previous run. DNs (base DNs, ranged-attribute reads of a group's
// own DN) are search bases with a constant `(objectClass=*)` filter, not filter values.
// test/directory/ldap-filter.test.ts has the escaping's own cases; this file attacks it.
import t from 'tap'
import fc from 'fast-check'
import { Client, FilterParser, type Filter } from 'ldapts'
import { andFilter, comparisonFilter, equalityFilter, escapeFilterValue, isOneFilter } from '../../src/directory/ldap-filter.js'
import { parseLdapSourceConfig } from '../../src/directory/ldap-source-config.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { propertyRuns } from '../helpers/property-runs.js'
import { allowLoopbackFetch, loopbackGuard } from '../helpers/outbound.js'
import { buildTestApp, adminHeaders, openTestStore } from '../helpers/app.js'
import { freshLdapOu, requireLdap } from '../helpers/services.js'
import { problemType } from '../helpers/problem-type.js'

const HOSTILE = ['*', '*)(uid=*', '*)(|(uid=*', 'a\\b', '\\2a', 'Lena Holm (vikarie)', '(', ')', 'x)(objectClass=*))(|(cn=', 'Örjan Åberg', 'Lučić', 'a\u0000b', '*\u0000*']

/** The octets an RFC 4515 assertion value stands for: `\XX` is one octet, anything else its UTF-8. */
function octets (assertionValue: string): Buffer {
  const parts: Buffer[] = []
  for (let i = 0; i < assertionValue.length;) {
    if (assertionValue[i] === '\\') { parts.push(Buffer.from(assertionValue.slice(i + 1, i + 3), 'hex')); i += 3 } else {
      const char = String.fromCodePoint(assertionValue.codePointAt(i) as number)
      parts.push(Buffer.from(char, 'utf8'))
      i += char.length
    }
  }
  return Buffer.concat(parts)
}

t.test('escaping agrees with RFC 4515 §4\'s examples, octet for octet', async (t) => {
  // [the value, as RFC 4515 §4 writes it in a filter]
  const examples: Array<[string, string]> = [
    ['Parens R Us (for all your parenthetical needs)', 'Parens R Us \\28for all your parenthetical needs\\29'],
    ['*', '\\2A'],
    ['C:\\MyFile', 'C:\\5cMyFile'],
    ['\u0000\u0000\u0000\u0004', '\\00\\00\\00\\04'],
    ['Lučić', 'Lu\\c4\\8di\\c4\\87']
  ]
  for (const [value, rfc] of examples) {
    const escaped = escapeFilterValue(value)
    t.same(octets(escaped), octets(rfc), `${JSON.stringify(value)} → ${escaped}`)
    t.same(octets(escaped), Buffer.from(value, 'utf8'), 'and stands for the value itself')
  }
  t.equal(escapeFilterValue('Parens R Us (for all your parenthetical needs)'), 'Parens R Us \\28for all your parenthetical needs\\29', 'the same text where RFC 4515 must escape')
  // Non-ASCII stays literal: ldapts decodes `\c4\8d` as two Latin-1 characters, not as UTF-8,
  // so escaping it as RFC 4515 allows would send the directory the wrong octets.
  t.equal(escapeFilterValue('Lučić'), 'Lučić')
  for (const filter of ['(cn=Babs Jensen)', '(!(cn=Tim Howes))', '(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))', '(o=univ*of*mich*)', '(seeAlso=)', '(cn:caseExactMatch:=Fred Flintstone)', '(sn:dn:2.4.6.8.10:=Barney Rubble)', '(:1.2.3:=Wilma Flintstone)']) {
    t.ok(isOneFilter(filter), `RFC 4515 §4 ${filter} is one filter`)
  }
})

t.test('any value, escaped, parses as one equality assertion of exactly that value', async (t) => {
  const unit = fc.oneof(fc.constantFrom('*', '(', ')', '\\', '\u0000', '=', '&', '|', '!', '2a', '28', '5c', 'Å', 'č', '😀', ' '), fc.string({ maxLength: 3 }))
  const value = fc.array(unit, { maxLength: 12 }).map((parts) => parts.join(''))
  t.doesNotThrow(() => fc.assert(fc.property(value, (v) => {
    const parsed = FilterParser.parseString(equalityFilter('cn', v)) as Filter & { attribute?: string, value?: unknown }
    return parsed.constructor.name === 'EqualityFilter' && parsed.attribute === 'cn' && parsed.value === v
  }), { numRuns: propertyRuns(2000) }))
  for (const v of HOSTILE) t.equal((FilterParser.parseString(equalityFilter('cn', v)) as unknown as { value: string }).value, v, JSON.stringify(v))
})

// The readers send `(&<configured filter><change-mark clause>)`. A configured filter that is
// accepted must keep its meaning there: `(|(a=b)` would swallow the clause.
t.test('a configured filter that is accepted means the same inside the reader\'s (&…)', async (t) => {
  const clause = comparisonFilter('modifyTimestamp', '>=', '20240501101500Z')
  const accepted = (filter: string): boolean => {
    try { parseLdapSourceConfig({ url: 'ldap://127.0.0.1:1', user_base_dn: 'ou=people,dc=exempel,dc=se', user_filter: filter }); return true } catch { return false }
  }
  const leaf = fc.tuple(fc.constantFrom('cn', 'uid', 'objectClass', 'sn'), fc.constantFrom('=', '>=', '<=', '~=', '=*', ':dn:='), fc.array(fc.constantFrom('a', '*', '\\2a', '\\29', '\\28', '\\5c', '\\', '(', ')', 'Å'), { maxLength: 4 }))
    .map(([attribute, op, value]) => `(${attribute}${op}${value.join('')})`)
  const { filter } = fc.letrec((tie) => ({
    filter: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf,
      fc.tuple(fc.constantFrom('&', '|'), fc.array(tie('filter'), { minLength: 1, maxLength: 3 })).map(([op, children]) => `(${op}${children.join('')})`),
      tie('filter').map((child) => `(!${child as string})`))
  }))
  // Valid filters, some damaged by one stray token: the damage must be refused or harmless.
  const damaged = fc.tuple(filter, fc.nat(), fc.constantFrom('', '(', ')', ')(', '\\', '(|', '(&', ')(uid=*', '*', '\\2', '(!')).map(([f, at, token]) => {
    const i = at % (f.length + 1)
    return f.slice(0, i) + token + f.slice(i)
  })
  const runs = propertyRuns(3000)
  let acceptedCount = 0
  t.doesNotThrow(() => fc.assert(fc.property(fc.oneof(filter, damaged), (f) => {
    if (!accepted(f)) return true
    acceptedCount++
    const combined = FilterParser.parseString(andFilter(f, clause)) as Filter & { filters?: Filter[] }
    return combined.constructor.name === 'AndFilter' && combined.filters?.length === 2 &&
      String(combined.filters[0]) === String(FilterParser.parseString(f)) && String(combined.filters[1]) === String(FilterParser.parseString(clause))
  }), { numRuns: runs }))
  t.ok(acceptedCount > runs / 6, `${acceptedCount} of ${runs} generated filters accepted and checked`)
})

t.test('the change mark is checked before it reaches a filter', async (t) => {
  const ldapConfig = parseLdapSourceConfig({ url: 'ldap://127.0.0.1:1', user_base_dn: 'ou=people,dc=exempel,dc=se' })
  const adConfig = parseLdapSourceConfig({ url: 'ldap://127.0.0.1:1', user_base_dn: 'ou=people,dc=exempel,dc=se', attributes: { unique_id: 'objectGUID', disabled: 'userAccountControl' } })
  for (const since of [...HOSTILE, '20240101000000Z)(uid=*', '2024-05-01T10:15:00Z)(|(uid=*', '1)(uid=*', '1*', '']) {
    for (const [name, config] of [['ldap', ldapConfig], ['active-directory', adConfig]] as const) {
      // The port is closed: a RangeError (not a connection error) shows it never got that far.
      await t.rejects(ldapReader(config, loopbackGuard).readAccounts({ since }).next(), RangeError, `${name}: since ${JSON.stringify(since)}`)
    }
  }
  t.equal(comparisonFilter('uSNChanged', '>=', '1)(uid=*'), '(uSNChanged>=1\\29\\28uid=\\2a)', 'and escaped even if it got there')
})

t.test('hostile filters in a source config are refused at the API', async (t) => {
  const { app, createOrganisation } = await buildTestApp(await openTestStore(), allowLoopbackFetch)
  const org = await createOrganisation()
  const post = (config: Record<string, unknown>, id = 'ad') => app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id, kind: 'ldap', config: { url: 'ldaps://dc1.exempel.se', user_base_dn: 'ou=people,dc=exempel,dc=se', ...config } } })
  const breakouts = ['(objectClass=inetOrgPerson))(|(uid=*)', '(|(objectClass=*)', '(objectClass=*)(uid=*)', '(cn=a\\)(uid=*)', '(cn=a\\', 'objectClass=*)(uid=*', '(cn=*)) (|(cn=*', '(cn=(x))', '(cn=\\zz)', '(cn=x)\u0000(uid=*)']
  for (const [member, filter] of breakouts.flatMap((f) => [['user_filter', f], ['group_filter', f]] as const)) {
    const res = await post({ [member]: filter })
    t.equal(res.statusCode, 422, `${member} ${JSON.stringify(filter)}: ${res.body}`)
    t.equal(res.json().type, problemType('source-config-invalid'))
    t.match(res.json().errors, [{ pointer: `/config/${member}` }])
  }
  t.equal((await post({ user_filter: `(&(objectClass=inetOrgPerson)${equalityFilter('cn', '*)(uid=*')})` }, 'escaped')).statusCode, 201, 'an escaped hostile value is an ordinary filter')
})

t.test('against OpenLDAP, hostile values match only the entry that literally holds them', async (t) => {
  const ldap = requireLdap()
  const ou = await freshLdapOu(ldap)
  t.teardown(ou.drop)
  const people = `ou=people,${ou.baseDN}`
  const literal = ['*', '*)(uid=*', 'a\\b', '\\2a', 'Lena Holm (vikarie)', 'Örjan Åberg', 'Lučić', 'plain']
  const client = new Client({ url: ldap.url, timeout: 10000 })
  t.teardown(() => client.unbind())
  await client.bind(ldap.bindDN, ldap.bindPassword)
  await client.add(people, { objectClass: ['top', 'organizationalUnit'], ou: 'people' })
  const dnOf = new Map<string, string>()
  for (const [i, cn] of literal.entries()) {
    const dn = `uid=u${i},${people}`
    dnOf.set(cn, dn.toLowerCase())
    await client.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: `u${i}`, cn, sn: cn, employeeNumber: `90${i}`, mail: `u${i}@exempel.se` })
  }
  const found = async (filter: string): Promise<string[]> => (await client.search(people, { filter, attributes: ['1.1'] })).searchEntries.map((e) => e.dn.toLowerCase()).sort()

  t.equal((await found('(&(objectClass=inetOrgPerson)(cn=*))')).length, literal.length, 'the unescaped wildcard matches everyone: what an injection would get')
  for (const value of HOSTILE) {
    const expected = dnOf.has(value) ? [dnOf.get(value) as string] : []
    t.same(await found(andFilter('(objectClass=inetOrgPerson)', equalityFilter('cn', value))), expected, `cn=${JSON.stringify(value)}`)
  }

  // The same through the reader the sync engine uses, with the value in the configured filter.
  const config = (userFilter: string) => parseLdapSourceConfig({ url: ldap.url, bind_dn: ldap.bindDN, bind_password: ldap.bindPassword, user_base_dn: people, user_filter: userFilter, timeout_seconds: 10 })
  const read = async (userFilter: string, since?: string): Promise<string[]> => {
    const dns: string[] = []
    for await (const account of ldapReader(config(userFilter), loopbackGuard).readAccounts(since === undefined ? {} : { since })) dns.push(account.dn.toLowerCase())
    return dns.sort()
  }
  for (const value of literal) {
    t.same(await read(`(&(objectClass=inetOrgPerson)${equalityFilter('cn', value)})`), [dnOf.get(value)], `user_filter with cn ${JSON.stringify(value)}`)
  }
  t.same(await read('(cn=\\2a\\29\\28uid=\\2a)'), [dnOf.get('*)(uid=*')], 'a filter written escaped by hand')
  t.same(await read('(objectClass=inetOrgPerson)', '2000-01-01T00:00:00Z'), [...dnOf.values()].sort(), 'a valid change mark reads what changed since')
  t.same(await read('(objectClass=inetOrgPerson)', '2999-01-01T00:00:00Z'), [], 'and nothing changed in the future')
  t.same(await read(equalityFilter('cn', '*'), '20000101000000Z'), [dnOf.get('*')], 'an escaped value inside the incremental (&…)')
  // Groups are read after a first pass over the group DNs, so the mark is checked on a live connection.
  const groups = parseLdapSourceConfig({ url: ldap.url, bind_dn: ldap.bindDN, bind_password: ldap.bindPassword, user_base_dn: people, group_base_dn: people, timeout_seconds: 10 })
  for (const since of ['20240101000000Z)(uid=*', '*', '1)(uid=*']) await t.rejects(ldapReader(groups, loopbackGuard).readGroups({ since }).next(), RangeError, `groups: since ${JSON.stringify(since)}`)
})
