import t from 'tap'
import { ScimError, renderScimError } from '../../../src/scim/scim-errors.js'
import { formatFilter } from '../../../src/scim/filter/format.js'
import { matchesFilter, parseFilter, prepareFilter } from '../../../src/scim/filter/index.js'
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../../src/scim/scim-urns.js'

const anna = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'AD-anna',
  userName: 'Anna.Svensson@Exempel.se',
  name: { givenName: 'Anna', familyName: 'Svensson' },
  displayName: 'Anna Svensson',
  title: 'Socialsekreterare',
  active: true,
  emails: [
    { value: 'anna.svensson@exempel.se', type: 'work', primary: true },
    { value: 'anna@hemma.se', type: 'home' }
  ],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234', department: 'soc-eb-norr', manager: { value: 'boss-1' } },
  meta: { resourceType: 'User', created: '2024-01-10T08:00:00Z', lastModified: '2024-05-02T12:30:00+02:00', version: 'W/"3"' }
}

const bertil = {
  schemas: [USER_SCHEMA],
  id: 'b-2',
  userName: 'bertil',
  active: false,
  emails: [{ value: 'bertil@exempel.se', type: 'home' }],
  meta: { resourceType: 'User', created: '2023-01-01T00:00:00Z', lastModified: '2023-06-01T00:00:00Z' }
}

const matches = (filter: string, resource: Record<string, unknown> = anna): boolean => matchesFilter(resource, prepareFilter(filter, 'User'), 'User')

function filterError (filter: string): ScimError {
  try {
    prepareFilter(filter, 'User')
  } catch (error) {
    if (error instanceof ScimError) return error
    throw error
  }
  throw new Error(`expected ${filter} to be refused`)
}

t.test('parses comparisons, presence and logic into a tree', async (t) => {
  t.same(parseFilter('userName eq "anna"'), { op: 'eq', path: { attribute: 'userName' }, value: 'anna' })
  t.same(parseFilter('name.familyName pr'), { op: 'pr', path: { attribute: 'name', subAttribute: 'familyName' } })
  t.same(parseFilter('active eq true and meta.version ne null or x gt 1.5e2'), {
    op: 'or',
    filters: [
      { op: 'and', filters: [{ op: 'eq', path: { attribute: 'active' }, value: true }, { op: 'ne', path: { attribute: 'meta', subAttribute: 'version' }, value: null }] },
      { op: 'gt', path: { attribute: 'x' }, value: 150 }
    ]
  })
  t.same(parseFilter(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "boss-1"`), {
    op: 'eq', path: { schema: ENTERPRISE_USER_SCHEMA, attribute: 'manager', subAttribute: 'value' }, value: 'boss-1'
  })
})

t.test('keywords and operators are case-insensitive', async (t) => {
  t.same(parseFilter('userName EQ "a" AND NOT (active Eq FALSE)'), {
    op: 'and',
    filters: [
      { op: 'eq', path: { attribute: 'userName' }, value: 'a' },
      { op: 'not', filter: { op: 'eq', path: { attribute: 'active' }, value: false } }
    ]
  })
})

t.test('and binds tighter than or; parentheses override it', async (t) => {
  t.same(parseFilter('a pr or b pr and c pr'), { op: 'or', filters: [{ op: 'pr', path: { attribute: 'a' } }, { op: 'and', filters: [{ op: 'pr', path: { attribute: 'b' } }, { op: 'pr', path: { attribute: 'c' } }] }] })
  t.same(parseFilter('(a pr or b pr) and c pr'), { op: 'and', filters: [{ op: 'or', filters: [{ op: 'pr', path: { attribute: 'a' } }, { op: 'pr', path: { attribute: 'b' } }] }, { op: 'pr', path: { attribute: 'c' } }] })
  // Each line evaluates differently under the wrong precedence.
  t.equal(matches('active eq true or title eq "Socialsekreterare" and userName eq "nobody"'), true, 'T or (T and F)')
  t.equal(matches('userName eq "nobody" and active eq true or title eq "Socialsekreterare"'), true, '(F and T) or T')
  t.equal(matches('(active eq true or title eq "Socialsekreterare") and userName eq "nobody"'), false, '(T or T) and F')
})

t.test('decodes JSON string escapes in values', async (t) => {
  t.same(parseFilter('displayName eq "Anna \\"Ankan\\" S\\u00f6derberg"'), { op: 'eq', path: { attribute: 'displayName' }, value: 'Anna "Ankan" Söderberg' })
})

t.test('formats a tree back to a filter that parses to the same tree', async (t) => {
  for (const source of [
    'userName eq "anna" and (active eq true or title sw "Soc")',
    'not (emails[type eq "work" and value ew "@exempel.se"]) or meta.lastModified gt "2024-01-01T00:00:00Z"',
    '(a pr and b pr) and c pr',
    'a pr or (b pr or c pr)'
  ]) {
    const tree = parseFilter(source)
    t.same(parseFilter(formatFilter(tree)), tree, source)
  }
})

t.test('eq: userName is case-insensitive, externalId and id are case-exact', async (t) => {
  t.equal(matches('userName eq "anna.svensson@exempel.se"'), true)
  t.equal(matches('USERNAME eq "ANNA.SVENSSON@EXEMPEL.SE"'), true)
  t.equal(matches('externalId eq "AD-anna"'), true)
  t.equal(matches('externalId eq "ad-anna"'), false)
  t.equal(matches('id eq "2819C223-7F76-453A-919D-413861904646"'), false)
  t.equal(matches('active eq true'), true)
  t.equal(matches('active eq true', bertil), false)
})

t.test('ne also matches an unassigned attribute', async (t) => {
  t.equal(matches('title ne "Socialsekreterare"'), false)
  t.equal(matches('title ne "Chef"'), true)
  t.equal(matches('title ne "Socialsekreterare"', bertil), true)
  t.equal(matches('emails.type ne "home"'), false, 'some email is a home address')
  t.equal(matches('title eq null', bertil), true)
  t.equal(matches('title ne null'), true)
})

t.test('co, sw, ew compare substrings, case-insensitively for userName', async (t) => {
  t.equal(matches('userName co "svensson@"'), true)
  t.equal(matches('userName sw "ANNA"'), true)
  t.equal(matches('userName ew "exempel.se"'), true)
  t.equal(matches('userName sw "Svensson"'), false)
  t.equal(matches('externalId sw "ad-"'), false, 'externalId is case-exact')
  t.equal(matches('emails co "@hemma.se"'), true, 'a complex attribute compares its value sub-attribute')
})

t.test('pr matches only non-empty values', async (t) => {
  t.equal(matches('title pr'), true)
  t.equal(matches('title pr', bertil), false)
  t.equal(matches('name pr'), true)
  t.equal(matches('name pr', { ...bertil, name: { givenName: '' } }), false, 'a complex value with only empty parts is not present')
  t.equal(matches('emails pr', { ...bertil, emails: [] }), false)
  t.equal(matches(`${ENTERPRISE_USER_SCHEMA}:manager pr`), true)
})

t.test('gt, ge, lt, le order strings and dateTimes', async (t) => {
  t.equal(matches('meta.lastModified gt "2024-05-02T11:00:00Z"'), false, '12:30+02:00 is 10:30Z, earlier, though its text sorts later')
  t.equal(matches('meta.lastModified gt "2024-05-02T10:29:59Z"'), true)
  t.equal(matches('meta.lastModified ge "2024-05-02T10:30:00Z"'), true)
  t.equal(matches('meta.lastModified lt "2024-01-01T00:00:00Z"', bertil), true)
  t.equal(matches('meta.lastModified le "2023-06-01T00:00:00Z"', bertil), true)
  t.equal(matches('userName gt "ANNA"'), true)
  t.equal(matches('userName lt "b"'), true)
  t.equal(matches('userName lt "b"', bertil), false)
})

t.test('and, or, not combine', async (t) => {
  t.equal(matches('title pr and userName sw "anna"'), true)
  t.equal(matches('title pr and userName sw "bertil"'), false)
  t.equal(matches('userName eq "x" or userName eq "bertil"', bertil), true)
  t.equal(matches('not (active eq true)', bertil), true)
  t.equal(matches('not (active eq true)'), false)
  t.equal(matches('not (not (title pr))'), true)
})

t.test('a sub-attribute of a multi-valued attribute matches any of its values', async (t) => {
  t.equal(matches('emails.value eq "ANNA@hemma.se"'), true)
  t.equal(matches('emails.type eq "other"'), false)
})

t.test('a value path matches when one value satisfies the whole inner filter', async (t) => {
  t.equal(matches('emails[type eq "work" and value co "exempel"]'), true)
  t.equal(matches('emails[type eq "home" and value co "exempel"]'), false, 'each condition holds for a different value')
  t.equal(matches('emails[type eq "work"].value eq "anna.svensson@exempel.se"'), true)
  t.equal(matches('emails[type eq "home"].value eq "anna.svensson@exempel.se"'), false)
  t.equal(matches('emails[not (primary eq true)]', bertil), true)
  t.equal(matches('userName sw "anna" and emails[primary eq true]'), true)
})

t.test('enterprise attributes resolve with and without their URN prefix', async (t) => {
  t.equal(matches(`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "100234"`), true)
  t.equal(matches(`${ENTERPRISE_USER_SCHEMA.toUpperCase()}:EMPLOYEENUMBER eq "100234"`), true)
  t.equal(matches('employeeNumber eq "100234"'), true)
  t.equal(matches('manager.value eq "boss-1"'), true)
  t.equal(matches(`${USER_SCHEMA}:userName sw "anna"`), true)
  t.equal(matches('employeeNumber eq "100234"', bertil), false)
})

t.test('attributes behorig does not know are unassigned', async (t) => {
  t.equal(matches('nickName eq "Ankan"'), false)
  t.equal(matches('nickName ne "Ankan"'), true)
  t.equal(matches('urn:example:custom:2.0:User:badge eq "1"'), false)
})

t.test('invalid filters are 400 invalidFilter errors in the SCIM error shape', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['userName eq "anna', /Unterminated string starting at position 12/],
    ['userName xx "anna"', /Unknown operator "xx" at position 9/],
    ['userName eq', /Expected a value after "eq"/],
    ['userName eq anna', /Expected a string, number, true, false or null/],
    ['(userName eq "a"', /Unexpected end of the filter; expected "\)"/],
    ['userName eq "a")', /Unexpected "\)" at position 15/],
    ['userName eq "a" and', /Unexpected end of the filter/],
    ['not userName eq "a"', /must be followed by a parenthesised filter/],
    ['', /empty/],
    ['userName eq "a" # 1', /Unexpected character "#"/],
    ['emails[type eq "work"', /expected "\]"/],
    ['emails[value[x eq 1]]', /cannot nest/],
    ['name.givenName.x pr', /not an attribute path/],
    ['active gt true', /cannot compare with true/],
    ['active sw "t"', /boolean attribute "active"/],
    ['name eq "Anna"', /is complex; name one of its sub-attributes/],
    ['userName.first eq "a"', /"userName" has no sub-attributes/],
    ['meta.lastModified gt "yesterday"', /dateTime/],
    ['userName[value eq "a"]', /not a complex attribute/],
    ['userName eq "\\x"', /Invalid escape/],
    ['a pr and '.repeat(600) + 'a pr', /longer than 4096/],
    ['('.repeat(40) + 'a pr' + ')'.repeat(40), /nests deeper/]
  ]
  for (const [filter, detail] of cases) {
    const error = filterError(filter)
    const label = filter.length > 60 ? filter.slice(0, 60) + '…' : filter
    t.equal(error.status, 400, label)
    t.equal(error.scimType, 'invalidFilter', label)
    t.match(error.detail, detail, label)
    t.same(renderScimError(error), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: error.detail
    }, label)
  }
})

t.test('numbers compare numerically, also on attributes behorig does not know', async (t) => {
  const badge = { ...anna, badge: { level: 10 } }
  t.equal(matches('badge.level gt 9', badge), true)
  t.equal(matches('badge.level gt 10', badge), false)
  t.equal(matches('badge.level ge 10', badge), true)
  t.equal(matches('badge.level eq "10"', badge), false, 'a string is not a number')
})
