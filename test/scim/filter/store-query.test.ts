import t from 'tap'
import { prepareFilter } from '../../../src/scim/filter/index.js'
import { filterToStoreQuery } from '../../../src/scim/filter/store-query.js'
import { ENTERPRISE_USER_SCHEMA } from '../../../src/scim/scim-urns.js'

const users = (filter: string) => filterToStoreQuery(prepareFilter(filter, 'User'), 'User')
const groups = (filter: string) => filterToStoreQuery(prepareFilter(filter, 'Group'), 'Group')

t.test('translates the lookups provisioning clients make', async (t) => {
  t.same(users('userName eq "Anna@Exempel.se"'), { conditions: [{ field: 'userName', op: 'eq', value: 'Anna@Exempel.se', caseExact: false }], exact: true })
  t.same(users('externalId eq "AD-1"'), { conditions: [{ field: 'externalId', op: 'eq', value: 'AD-1', caseExact: true }], exact: true })
  t.same(users(`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "100234"`), { conditions: [{ field: 'employeeNumber', op: 'eq', value: '100234', caseExact: false }], exact: true })
  t.same(users('employeeNumber eq "100234"').conditions[0]?.field, 'employeeNumber')
  t.same(users('emails.value eq "a@b.se"'), { conditions: [{ field: 'email', op: 'eq', value: 'a@b.se', caseExact: false }], exact: true })
  t.same(users('emails[value eq "a@b.se"]').conditions, [{ field: 'email', op: 'eq', value: 'a@b.se', caseExact: false }])
  t.same(users('EMAILS eq "a@b.se"').conditions, [{ field: 'email', op: 'eq', value: 'a@b.se', caseExact: false }])
  t.same(groups('displayName eq "SOC-EB"'), { conditions: [{ field: 'displayName', op: 'eq', value: 'SOC-EB', caseExact: false }], exact: true })
  t.same(groups('id eq "g-1" and members[value eq "u-1"]'), {
    conditions: [{ field: 'id', op: 'eq', value: 'g-1', caseExact: true }, { field: 'member', op: 'eq', value: 'u-1', caseExact: false }],
    exact: true
  })
})

t.test('meta.lastModified comparisons become UTC instants', async (t) => {
  t.same(users('meta.lastModified gt "2024-05-02T12:30:00+02:00"'), { conditions: [{ field: 'lastModified', op: 'gt', value: '2024-05-02T10:30:00.000Z', caseExact: true }], exact: true })
  t.same(groups('meta.lastModified le "2024-01-01T00:00:00Z"').conditions[0]?.op, 'le')
})

t.test('narrows with what it can and says when the rest must be checked in memory', async (t) => {
  t.same(users('userName eq "a" and title sw "Soc"'), { conditions: [{ field: 'userName', op: 'eq', value: 'a', caseExact: false }], exact: false })
  t.same(users('userName eq "a" or userName eq "b"'), { conditions: [], exact: false })
  t.same(users('userName sw "a"'), { conditions: [], exact: false })
  t.same(users('not (userName eq "a")'), { conditions: [], exact: false })
  t.same(users('displayName eq "Anna"'), { conditions: [], exact: false }, 'a user\'s displayName has no index')
  t.same(groups('userName eq "a"'), { conditions: [], exact: false }, 'fields belong to their resource type')
  t.same(users('emails[type eq "work" and value eq "a@b.se"]'), { conditions: [], exact: false })
  t.same(users('emails.value eq 7'), { conditions: [], exact: false }, 'only string values are bound')
})
