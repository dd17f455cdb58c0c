import t from 'tap'
import { ScimError, renderScimError } from '../../src/scim/scim-errors.js'
import { applyPatch, type PatchOperation } from '../../src/scim/scim-patch.js'
import { coerceValue } from '../../src/scim/scim-patch-values.js'
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_MESSAGE, USER_SCHEMA } from '../../src/scim/scim-urns.js'

const EXT = ENTERPRISE_USER_SCHEMA

function user (): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, EXT],
    id: 'u-1',
    userName: 'anna@exempel.se',
    name: { givenName: 'Anna', familyName: 'Svensson' },
    active: true,
    emails: [
      { value: 'anna@exempel.se', type: 'work', primary: true },
      { value: 'anna@hemma.se', type: 'home' }
    ],
    [EXT]: { employeeNumber: '100234', department: 'soc-eb' },
    meta: { resourceType: 'User', version: 'W/"1"' }
  }
}

function group (): Record<string, unknown> {
  return { schemas: [GROUP_SCHEMA], id: 'g-1', displayName: 'SOC-EB-Handläggare', members: [{ value: 'u-1' }, { value: 'u-2', type: 'User' }] }
}

const patch = (resource: Record<string, unknown>, ...operations: PatchOperation[]): Record<string, unknown> =>
  applyPatch(resource, { schemas: [PATCH_OP_MESSAGE], Operations: operations }, resource.schemas === undefined || (resource.schemas as string[]).includes(GROUP_SCHEMA) ? 'Group' : 'User')

function failure (resource: Record<string, unknown>, body: unknown, type: 'User' | 'Group' = 'User'): ScimError {
  try {
    applyPatch(resource, body, type)
  } catch (error) {
    if (error instanceof ScimError) return error
    throw error
  }
  throw new Error('expected the patch to fail')
}
const failureOf = (resource: Record<string, unknown>, ...operations: PatchOperation[]): ScimError =>
  failure(resource, { schemas: [PATCH_OP_MESSAGE], Operations: operations }, (resource.schemas as string[]).includes(GROUP_SCHEMA) ? 'Group' : 'User')

t.test('replace with a path sets simple attributes and sub-attributes', async (t) => {
  const result = patch(user(),
    { op: 'replace', path: 'displayName', value: 'Anna S.' },
    { op: 'replace', path: 'name.familyName', value: 'Öberg' },
    { op: 'replace', path: 'USERNAME', value: 'anna.oberg@exempel.se' })
  t.equal(result.displayName, 'Anna S.')
  t.same(result.name, { givenName: 'Anna', familyName: 'Öberg' })
  t.equal(result.userName, 'anna.oberg@exempel.se', 'attribute names in paths are case-insensitive')
  t.notOk(Object.hasOwn(result, 'USERNAME'))
})

t.test('replace of a complex attribute merges its sub-attributes (RFC 7644 §3.5.2.3)', async (t) => {
  const result = patch(user(), { op: 'replace', path: 'name', value: { familyName: 'Öberg', formatted: 'Anna Öberg' } })
  t.same(result.name, { givenName: 'Anna', familyName: 'Öberg', formatted: 'Anna Öberg' })
})

t.test('accepts Entra ID\'s capitalised op names and "True"/"False" strings', async (t) => {
  const result = patch(user(),
    { op: 'Replace', path: 'active', value: 'False' },
    { op: 'Add', path: 'title', value: 'Socialsekreterare' },
    { op: 'Remove', path: 'name.givenName' })
  t.equal(result.active, false)
  t.equal(result.title, 'Socialsekreterare')
  t.same(result.name, { familyName: 'Svensson' })
})

t.test('replace without a path takes an object of attributes, dotted and URN-qualified keys too', async (t) => {
  const result = patch(user(), {
    op: 'replace',
    value: {
      active: false,
      'name.givenName': 'Annika',
      [`${EXT}:department`]: 'soc-ifo',
      emails: [{ value: 'annika@exempel.se', type: 'work', primary: true }]
    }
  })
  t.equal(result.active, false)
  t.same(result.name, { givenName: 'Annika', familyName: 'Svensson' })
  t.same(result[EXT], { employeeNumber: '100234', department: 'soc-ifo' })
  t.same(result.emails, [{ value: 'annika@exempel.se', type: 'work', primary: true }], 'a multi-valued attribute is replaced whole')
})

t.test('add without a path appends to multi-valued attributes and fills the extension object', async (t) => {
  const result = patch(user(), {
    op: 'add',
    value: { title: 'Enhetschef', emails: [{ value: 'chef@exempel.se', type: 'other' }], [EXT]: { manager: { value: 'boss-1' }, employeeNumber: '100999' } }
  })
  t.equal(result.title, 'Enhetschef')
  t.equal((result.emails as unknown[]).length, 3)
  t.same(result[EXT], { employeeNumber: '100999', department: 'soc-eb', manager: { value: 'boss-1' } })
})

t.test('Okta sends the id along in a path-less replace; the same id is accepted, another is not', async (t) => {
  const result = patch(group(), { op: 'replace', value: { id: 'g-1', displayName: 'SOC-EB' } })
  t.equal(result.displayName, 'SOC-EB')
  const error = failureOf(group(), { op: 'replace', value: { id: 'g-2' } })
  t.equal(error.scimType, 'mutability')
})

t.test('add to a multi-valued attribute appends without duplicates', async (t) => {
  const result = patch(user(), { op: 'add', path: 'emails', value: [{ value: 'ANNA@exempel.se', type: 'work' }, { value: 'a@annat.se', type: 'other' }] })
  t.same(result.emails, [
    { value: 'anna@exempel.se', type: 'work', primary: true },
    { value: 'anna@hemma.se', type: 'home' },
    { value: 'a@annat.se', type: 'other' }
  ])
})

t.test('a new primary value takes the flag from the old one (RFC 7643 §2.4)', async (t) => {
  const result = patch(user(), { op: 'add', path: 'emails', value: [{ value: 'ny@exempel.se', type: 'work', primary: true }] })
  const primaries = (result.emails as Array<Record<string, unknown>>).filter((email) => email.primary === true)
  t.same(primaries, [{ value: 'ny@exempel.se', type: 'work', primary: true }])
  const switched = patch(user(), { op: 'replace', path: 'emails[type eq "home"].primary', value: true })
  t.same((switched.emails as Array<Record<string, unknown>>).map((email) => email.primary), [false, true])
})

t.test('value paths select values of a multi-valued attribute', async (t) => {
  const replaced = patch(user(), { op: 'replace', path: 'emails[type eq "work"].value', value: 'anna.svensson@exempel.se' })
  t.same((replaced.emails as Array<Record<string, unknown>>)[0], { value: 'anna.svensson@exempel.se', type: 'work', primary: true })
  const merged = patch(user(), { op: 'replace', path: 'emails[type eq "home"]', value: { display: 'Hemma' } })
  t.same((merged.emails as unknown[])[1], { value: 'anna@hemma.se', type: 'home', display: 'Hemma' })
  const removed = patch(user(), { op: 'remove', path: 'emails[type eq "home"]' })
  t.same(removed.emails, [{ value: 'anna@exempel.se', type: 'work', primary: true }])
  const subRemoved = patch(user(), { op: 'remove', path: 'emails[type eq "work"].primary' })
  t.same((subRemoved.emails as unknown[])[0], { value: 'anna@exempel.se', type: 'work' })
  const all = patch(user(), { op: 'replace', path: 'emails.type', value: 'other' })
  t.same((all.emails as Array<Record<string, unknown>>).map((email) => email.type), ['other', 'other'], 'without a filter every value is selected')
})

t.test('Entra ID\'s add to emails[type eq "work"].value creates the value when none matches', async (t) => {
  const resource = { ...user(), emails: [{ value: 'anna@hemma.se', type: 'home' }] }
  const result = patch(resource, { op: 'Add', path: 'emails[type eq "work"].value', value: 'anna@exempel.se' })
  t.same(result.emails, [{ value: 'anna@hemma.se', type: 'home' }, { type: 'work', value: 'anna@exempel.se' }])
  const fresh = patch({ schemas: [USER_SCHEMA], id: 'u-2', userName: 'b' }, { op: 'add', path: 'emails[type eq "work" and primary eq true].value', value: 'b@exempel.se' })
  t.same(fresh.emails, [{ type: 'work', primary: true, value: 'b@exempel.se' }])
  const updated = patch(user(), { op: 'add', path: 'emails[type eq "work"].value', value: 'annan@exempel.se' })
  t.equal((updated.emails as unknown[]).length, 2, 'a matching value is updated, not duplicated')
})

t.test('removing the last value of a multi-valued attribute unassigns it', async (t) => {
  const result = patch(user(), { op: 'remove', path: 'emails[type eq "work" or type eq "home"]' })
  t.notOk(Object.hasOwn(result, 'emails'))
  const whole = patch(user(), { op: 'remove', path: 'emails' })
  t.notOk(Object.hasOwn(whole, 'emails'))
  const absent = patch(user(), { op: 'remove', path: 'title' })
  t.notOk(Object.hasOwn(absent, 'title'), 'removing an unassigned attribute changes nothing')
})

t.test('group members: add without duplicates, remove by filter, remove by value list, replace', async (t) => {
  const added = patch(group(), { op: 'add', path: 'members', value: [{ value: 'u-2' }, { value: 'u-3' }] })
  t.same((added.members as Array<Record<string, unknown>>).map((member) => member.value), ['u-1', 'u-2', 'u-3'])
  const removed = patch(group(), { op: 'remove', path: 'members[value eq "u-1"]' })
  t.same(removed.members, [{ value: 'u-2', type: 'User' }])
  const entra = patch(group(), { op: 'Remove', path: 'members', value: [{ value: 'u-2' }, { value: 'u-9' }] })
  t.same(entra.members, [{ value: 'u-1' }])
  const replaced = patch(group(), { op: 'replace', path: 'members', value: [{ value: 'u-7' }] })
  t.same(replaced.members, [{ value: 'u-7' }])
  const emptied = patch(group(), { op: 'replace', path: 'members', value: [] })
  t.notOk(Object.hasOwn(emptied, 'members'))
})

t.test('enterprise attributes by URN path, by plain name, and Entra ID\'s bare manager id', async (t) => {
  const result = patch(user(),
    { op: 'replace', path: `${EXT}:employeeNumber`, value: '200001' },
    { op: 'add', path: 'organization', value: 'Exempel kommun' },
    { op: 'Replace', path: `${EXT}:manager`, value: 'boss-2' },
    { op: 'add', path: `${EXT.toUpperCase()}:DEPARTMENT`, value: 'soc-ifo' })
  t.same(result[EXT], { employeeNumber: '200001', department: 'soc-ifo', organization: 'Exempel kommun', manager: { value: 'boss-2' } })
  const managerValue = patch(user(), { op: 'add', path: `${EXT}:manager.value`, value: 'boss-3' })
  t.same((managerValue[EXT] as Record<string, unknown>).manager, { value: 'boss-3' })
})

t.test('the extension object and its schemas entry come and go with its attributes', async (t) => {
  const bare = { schemas: [USER_SCHEMA], id: 'u-2', userName: 'b' }
  const added = patch(bare, { op: 'add', path: `${EXT}:employeeNumber`, value: '7' })
  t.same(added.schemas, [USER_SCHEMA, EXT])
  t.same(added[EXT], { employeeNumber: '7' })
  const removed = patch(added, { op: 'remove', path: `${EXT}:employeeNumber` })
  t.same(removed.schemas, [USER_SCHEMA])
  t.notOk(Object.hasOwn(removed, EXT))
  const whole = patch(user(), { op: 'remove', path: EXT })
  t.notOk(Object.hasOwn(whole, EXT))
  t.same(whole.schemas, [USER_SCHEMA])
  const byObject = patch(bare, { op: 'add', path: EXT, value: { department: 'x' } })
  t.same(byObject[EXT], { department: 'x' })
})

t.test('attributes behorig does not keep are patched as they come', async (t) => {
  const custom = 'urn:ietf:params:scim:schemas:extension:custom:2.0:User'
  const result = patch(user(),
    { op: 'add', path: 'nickName', value: 'Ankan' },
    { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '+46 8 123 45' },
    { op: 'add', value: { [custom]: { worksiteId: '180' } } },
    { op: 'Add', path: `${custom}:costCode`, value: 'K12' })
  t.equal(result.nickName, 'Ankan')
  t.same(result.phoneNumbers, [{ type: 'work', value: '+46 8 123 45' }])
  t.same(result[custom], { worksiteId: '180', costCode: 'K12' })
  t.ok((result.schemas as string[]).includes(custom))
})

t.test('leaves the input untouched, and applies all operations or none', async (t) => {
  const original = user()
  const snapshot = structuredClone(original)
  patch(original, { op: 'replace', path: 'name.givenName', value: 'X' }, { op: 'remove', path: 'emails' })
  t.same(original, snapshot)
  failureOf(original, { op: 'replace', path: 'title', value: 'Chef' }, { op: 'replace', path: 'id', value: 'x' })
  t.same(original, snapshot)
})

t.test('errors carry the RFC 7644 §3.12 scimType', async (t) => {
  const cases: Array<[string, Record<string, unknown>, PatchOperation[], string, RegExp]> = [
    ['malformed path', user(), [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }], 'invalidPath', /expected "\]"/],
    ['path that is no attribute path', user(), [{ op: 'replace', path: '1abc', value: 'x' }], 'invalidPath', /Unexpected character "1"/],
    ['path with two sub-attributes', user(), [{ op: 'replace', path: 'name.givenName.x', value: 'x' }], 'invalidPath', /not an attribute path/],
    ['sub-attribute of a simple attribute', user(), [{ op: 'replace', path: 'userName.first', value: 'x' }], 'invalidPath', /userName has no sub-attributes/],
    ['filter on a singular attribute', user(), [{ op: 'replace', path: 'name[givenName eq "Anna"].familyName', value: 'x' }], 'invalidPath', /only multi-valued/],
    ['another resource type\'s schema', user(), [{ op: 'replace', path: `${GROUP_SCHEMA}:displayName`, value: 'x' }], 'invalidPath', /not a schema of User/],
    ['bad filter in a path', user(), [{ op: 'remove', path: 'emails[type xx "work"]' }], 'invalidPath', /Unknown operator/],
    ['text after the value filter', user(), [{ op: 'remove', path: 'emails[type eq "work"] x' }], 'invalidPath', /unexpected text/],
    ['remove without a path', user(), [{ op: 'remove' }], 'noTarget', /needs a "path"/],
    ['replace with an unmatched filter', user(), [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x' }], 'noTarget', /no value matches/],
    ['remove with an unmatched filter', group(), [{ op: 'remove', path: 'members[value eq "u-9"]' }], 'noTarget', /no value matches/],
    ['add with a filter that describes no value', user(), [{ op: 'add', path: 'emails[type sw "x"].value', value: 'x' }], 'noTarget', /does not describe/],
    ['boolean that is none', user(), [{ op: 'replace', path: 'active', value: 'maybe' }], 'invalidValue', /must be true or false/],
    ['userName that is no string', user(), [{ op: 'replace', path: 'userName', value: 42 }], 'invalidValue', /must be a string/],
    ['removing a required attribute', user(), [{ op: 'remove', path: 'userName' }], 'invalidValue', /userName is required/],
    ['removing a group\'s displayName', group(), [{ op: 'replace', value: { displayName: '' } }], 'invalidValue', /displayName is required/],
    ['add without a value', user(), [{ op: 'add', path: 'title' }], 'invalidValue', /needs a "value"/],
    ['path-less value that is no object', user(), [{ op: 'replace', value: 'x' }], 'invalidValue', /object of attributes/],
    ['list for a single-valued attribute', user(), [{ op: 'replace', path: 'title', value: ['a', 'b'] }], 'invalidValue', /single value/],
    ['replacing id', user(), [{ op: 'replace', path: 'id', value: 'u-2' }], 'mutability', /id is read-only/],
    ['replacing meta', user(), [{ op: 'replace', path: 'meta.created', value: '2024-01-01T00:00:00Z' }], 'mutability', /meta.created is read-only/],
    ['path-less meta', user(), [{ op: 'add', value: { meta: { version: 'W/"9"' } } }], 'mutability', /meta is set by behorig/],
    ['groups of a user', user(), [{ op: 'add', path: 'groups', value: [{ value: 'g-1' }] }], 'mutability', /groups is read-only/],
    ['manager displayName', user(), [{ op: 'replace', path: `${EXT}:manager.displayName`, value: 'Chef' }], 'mutability', /read-only/],
    ['changing a member id', group(), [{ op: 'replace', path: 'members[value eq "u-1"].value', value: 'u-5' }], 'mutability', /members.value is immutable/],
    ['the schemas attribute', user(), [{ op: 'replace', path: 'schemas', value: [] }], 'mutability', /schemas/]
  ]
  for (const [name, resource, operations, scimType, detail] of cases) {
    const error = failureOf(resource, ...operations)
    t.equal(error.status, 400, name)
    t.equal(error.scimType, scimType, name)
    t.match(error.detail, detail, name)
    t.same(renderScimError(error), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType, detail: error.detail }, name)
  }
})

t.test('refuses PATCH bodies that are no PatchOp message', async (t) => {
  const bodies: Array<[unknown, RegExp]> = [
    ['x', /PatchOp message object/],
    [{ Operations: [{ op: 'add', path: 'title', value: 'x' }] }, /lists "urn:ietf:params:scim:api:messages:2.0:PatchOp"/],
    [{ schemas: [PATCH_OP_MESSAGE], Operations: [] }, /non-empty "Operations"/],
    [{ schemas: [PATCH_OP_MESSAGE], Operations: ['add'] }, /Operations\[0\] is not an object/],
    [{ schemas: [PATCH_OP_MESSAGE], Operations: [{ op: 'move', path: 'title' }] }, /must be add, replace or remove/],
    [{ schemas: [PATCH_OP_MESSAGE], Operations: [{ op: 'add', path: 7, value: 'x' }] }, /path must be a string/]
  ]
  for (const [body, detail] of bodies) {
    const error = failure(user(), body)
    t.equal(error.scimType, 'invalidSyntax')
    t.match(error.detail, detail)
  }
  const lenient = applyPatch(user(), { SCHEMAS: [PATCH_OP_MESSAGE.toUpperCase()], operations: [{ OP: 'add', PATH: 'title', VALUE: 'x' }] }, 'User')
  t.equal(lenient.title, 'x', 'message attribute names are case-insensitive too')
})

t.test('values are checked against their attribute\'s type', async (t) => {
  const definition = (type: 'integer' | 'decimal' | 'dateTime' | 'reference') => ({
    name: 'x',
    type,
    multiValued: false,
    description: 'x',
    required: false,
    caseExact: false,
    mutability: 'readWrite' as const,
    returned: 'default' as const,
    uniqueness: 'none' as const
  })
  t.equal(coerceValue(definition('integer'), 3, 'x'), 3)
  t.throws(() => coerceValue(definition('integer'), 3.5, 'x'), { scimType: 'invalidValue', message: 'x must be an integer' })
  t.equal(coerceValue(definition('decimal'), 3.5, 'x'), 3.5)
  t.throws(() => coerceValue(definition('decimal'), '3.5', 'x'), { message: 'x must be a number' })
  t.equal(coerceValue(definition('dateTime'), '2024-05-02T12:30:00+02:00', 'x'), '2024-05-02T12:30:00+02:00')
  t.throws(() => coerceValue(definition('dateTime'), 'May 2, 2024', 'x'), { message: 'x must be a date and time (RFC 3339)' })
  t.throws(() => coerceValue(definition('reference'), { value: 'x' }, 'x'), { message: 'x must be a string' })
  t.same(coerceValue(undefined, { any: 'thing' }, 'x'), { any: 'thing' }, 'attributes behorig does not keep pass unchecked')
})
