import t from 'tap'
import { ScimError } from '../../src/scim/scim-errors.js'
import { checkPreconditions, versionEtag } from '../../src/scim/scim-etag.js'
import { matchesFilter, prepareFilter } from '../../src/scim/filter/index.js'
import { filterToStoreQuery } from '../../src/scim/filter/store-query.js'
import { paginate, parseListWindow } from '../../src/scim/scim-list.js'
import { applyPatch } from '../../src/scim/scim-patch.js'
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_MESSAGE, USER_SCHEMA } from '../../src/scim/scim-urns.js'

/**
 * The request sequence Entra ID's provisioning service sends for one user and one group,
 * played against the protocol core the way the SCIM routes will use it, over an in-memory list.
 */
type Resource = Record<string, unknown> & { id: string, meta: { version: string } }

function list (resources: Resource[], type: 'User' | 'Group', query: { filter?: string, startIndex?: string, count?: string }) {
  const filter = query.filter === undefined ? undefined : prepareFilter(query.filter, type)
  const matching = filter === undefined ? resources : resources.filter((resource) => matchesFilter(resource, filter, type))
  return paginate(matching, parseListWindow(query))
}

function patchResource (resource: Resource, type: 'User' | 'Group', ifMatch: string | undefined, operations: unknown[]): Resource {
  checkPreconditions(resource.meta.version, { 'if-match': ifMatch }, 'PATCH')
  const patched = applyPatch(resource, { schemas: [PATCH_OP_MESSAGE], Operations: operations }, type) as Resource
  const version = Number(/"(\d+)"/.exec(resource.meta.version)?.[1]) + 1
  return { ...patched, meta: { ...patched.meta, version: versionEtag(version) } }
}

t.test('an Entra ID provisioning cycle for one user and one group', async (t) => {
  const users: Resource[] = []
  const lookup = 'userName eq "Anna.Svensson@exempel.se"'
  t.match(list(users, 'User', { filter: lookup }), { totalResults: 0, Resources: [] }, 'the user is not there yet')
  t.same(filterToStoreQuery(prepareFilter(lookup, 'User'), 'User').conditions.map((c) => c.field), ['userName'])

  users.push({
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    id: 'u-1',
    externalId: 'e1',
    userName: 'anna.svensson@exempel.se',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'anna.svensson@exempel.se' }],
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234' },
    meta: { version: versionEtag(1) }
  })
  t.match(list(users, 'User', { filter: lookup }), { totalResults: 1, Resources: [{ id: 'u-1' }] }, 'userName matches whatever its case')

  let anna = users[0] as Resource
  anna = patchResource(anna, 'User', 'W/"1"', [
    { op: 'Replace', path: 'title', value: 'Förste socialsekreterare' },
    { op: 'Add', path: 'emails[type eq "work"].value', value: 'anna.s@exempel.se' },
    { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:department`, value: 'soc-eb-norr' },
    { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: 'boss-1' }
  ])
  t.match(anna, {
    title: 'Förste socialsekreterare',
    emails: [{ primary: true, type: 'work', value: 'anna.s@exempel.se' }],
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234', department: 'soc-eb-norr', manager: { value: 'boss-1' } },
    meta: { version: 'W/"2"' }
  })
  const stale = t.throws(() => patchResource(anna, 'User', 'W/"1"', [{ op: 'Replace', path: 'active', value: 'False' }])) as unknown
  t.ok(stale instanceof ScimError && stale.status === 412, 'a write against an old version is refused')

  anna = patchResource(anna, 'User', undefined, [{ op: 'Replace', path: 'active', value: 'False' }])
  t.equal(anna.active, false)
  t.match(list([anna], 'User', { filter: 'active eq false and employeeNumber eq "100234"' }), { totalResults: 1 })

  let group: Resource = { schemas: [GROUP_SCHEMA], id: 'g-1', displayName: 'SOC-EB-Handläggare', meta: { version: versionEtag(1) } }
  t.match(list([group], 'Group', { filter: 'displayName eq "soc-eb-handläggare"' }), { totalResults: 1 })
  group = patchResource(group, 'Group', 'W/"1"', [{ op: 'Add', path: 'members', value: [{ value: 'u-1' }, { value: 'u-2' }] }])
  group = patchResource(group, 'Group', 'W/"2"', [{ op: 'Remove', path: 'members', value: [{ value: 'u-2' }] }])
  t.same(group.members, [{ value: 'u-1' }])
  t.match(list([group], 'Group', { filter: 'id eq "g-1" and members[value eq "u-1"]' }), { totalResults: 1 })
  t.match(list([group], 'Group', { filter: 'id eq "g-1" and members[value eq "u-2"]' }), { totalResults: 0 })
})
