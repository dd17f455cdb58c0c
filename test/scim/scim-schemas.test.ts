import swagger from '@fastify/swagger'
import { Ajv, type ValidateFunction } from 'ajv'
import Fastify from 'fastify'
import t from 'tap'
import { canonicaliseResource } from '../../src/scim/scim-canonical.js'
import { ScimErrorResponseSchema, ScimGroup, ScimGroupInput, ScimListQuery, ScimListResponse, ScimPatchRequest, ScimUser, ScimUserInput } from '../../src/scim/scim-schemas.js'
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_MESSAGE, USER_SCHEMA } from '../../src/scim/scim-urns.js'
import { invalidFilter, renderScimError } from '../../src/scim/scim-errors.js'
import { paginate, parseListWindow } from '../../src/scim/scim-list.js'

// As src/app.ts configures Fastify's ajv, so these are the checks the routes will make.
const ajv = new Ajv({ allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true, strict: false })
const compile = (schema: object): ValidateFunction => ajv.compile(schema)
// Responses are checked as they are, without coercion.
const exact = new Ajv({ allErrors: true, strict: false })
const compileExact = (schema: object): ValidateFunction => exact.compile(schema)

// What Entra ID sends to create a user (Microsoft's SCIM reference request, with Swedish data).
const entraUser = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Anna.Svensson@exempel.se',
  active: true,
  displayName: 'Anna Svensson',
  title: 'Socialsekreterare',
  emails: [{ primary: true, type: 'work', value: 'anna.svensson@exempel.se' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Anna Svensson', familyName: 'Svensson', givenName: 'Anna' },
  phoneNumbers: [{ type: 'work', value: '+46 8 123 45' }],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '100234', department: 'soc-eb-norr', manager: { value: 'boss-1' } }
}

t.test('accepts Entra ID\'s create-user body, attributes behorig does not keep included', async (t) => {
  const validate = compile(ScimUserInput)
  t.ok(validate(structuredClone(entraUser)), JSON.stringify(validate.errors))
})

t.test('refuses users without userName, without the User schema, or with wrong types', async (t) => {
  const validate = compile(ScimUserInput)
  const { userName: _userName, ...withoutUserName } = entraUser
  t.notOk(validate(withoutUserName))
  t.notOk(validate({ ...entraUser, schemas: [GROUP_SCHEMA] }))
  t.notOk(validate({ ...entraUser, emails: [{ type: 'work' }] }), 'an email needs its value')
  t.notOk(validate({ ...entraUser, [ENTERPRISE_USER_SCHEMA]: { manager: 'boss-1' } }), 'manager is an object in POST/PUT')
  t.notOk(validate({ ...entraUser, active: 'perhaps' }))
})

t.test('canonicalised names pass the case-sensitive schema', async (t) => {
  const validate = compile(ScimUserInput)
  const shouting = { SCHEMAS: [USER_SCHEMA], USERNAME: 'anna', Emails: [{ VALUE: 'a@b.se', Primary: true }], [ENTERPRISE_USER_SCHEMA.toLowerCase()]: { EMPLOYEENUMBER: '1' }, Custom: 1 }
  t.notOk(validate(shouting))
  const canonical = canonicaliseResource('User', shouting)
  t.same(canonical, { schemas: [USER_SCHEMA], userName: 'anna', emails: [{ value: 'a@b.se', primary: true }], [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '1' }, Custom: 1 })
  t.ok(validate(canonical), JSON.stringify(validate.errors))
  t.equal(canonicaliseResource('User', 'x'), 'x')
})

t.test('groups need displayName; members need a value', async (t) => {
  const validate = compile(ScimGroupInput)
  t.ok(validate({ schemas: [GROUP_SCHEMA], displayName: 'SOC-EB', members: [{ value: 'u-1', display: 'Anna' }] }))
  t.notOk(validate({ schemas: [GROUP_SCHEMA], members: [] }))
  t.notOk(validate({ schemas: [GROUP_SCHEMA], displayName: 'x', members: [{ display: 'Anna' }] }))
})

t.test('PATCH bodies: any op spelling passes the shape check, an empty list does not', async (t) => {
  const validate = compile(ScimPatchRequest)
  t.ok(validate({ schemas: [PATCH_OP_MESSAGE], Operations: [{ op: 'Replace', path: 'active', value: 'False' }, { op: 'remove', path: 'title' }] }))
  t.notOk(validate({ schemas: [PATCH_OP_MESSAGE], Operations: [] }))
  t.notOk(validate({ schemas: [USER_SCHEMA], Operations: [{ op: 'add', value: {} }] }))
})

t.test('list queries coerce startIndex and count from the query string', async (t) => {
  const validate = compile(ScimListQuery)
  const query: Record<string, unknown> = { filter: 'userName eq "a"', startIndex: '2', count: '10' }
  t.ok(validate(query))
  t.same(query, { filter: 'userName eq "a"', startIndex: 2, count: 10 })
  t.notOk(validate({ count: 'many' }))
})

t.test('responses match their schemas', async (t) => {
  const user = { ...entraUser, id: 'u-1', meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-01-01T00:00:00Z', location: 'https://x/Users/u-1', version: 'W/"1"' } }
  const validateList = compileExact(ScimListResponse(ScimUser))
  t.ok(validateList(paginate([user], parseListWindow({}))), JSON.stringify(validateList.errors))
  const validateError = compileExact(ScimErrorResponseSchema)
  t.ok(validateError(renderScimError(invalidFilter('x'))))
  t.notOk(validateError({ ...renderScimError(invalidFilter('x')), status: 400 }), 'status is a string')
})

t.test('$ref sub-attributes pass, and the schemas survive @fastify/swagger', async (t) => {
  const validate = compile(ScimGroupInput)
  t.ok(validate({ schemas: [GROUP_SCHEMA], displayName: 'x', members: [{ value: 'u-1', $ref: 'https://x/Users/u-1' }] }))
  const app = Fastify()
  await app.register(swagger, { openapi: { info: { title: 'scim', version: '1' } } })
  app.post('/Users', { schema: { body: ScimUserInput, response: { 201: ScimUser } } }, async () => ({}))
  app.get('/Users', { schema: { querystring: ScimListQuery, response: { 200: ScimListResponse(ScimUser) } } }, async () => ({}))
  app.patch('/Groups/:id', { schema: { body: ScimPatchRequest, response: { 200: ScimGroup, 400: ScimErrorResponseSchema } } }, async () => ({}))
  await app.ready()
  const document = app.swagger() as { paths: Record<string, unknown> }
  t.same(Object.keys(document.paths).sort(), ['/Groups/{id}', '/Users'])
  await app.close()
})
