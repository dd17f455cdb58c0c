import t from 'tap'
import { defineProblem } from '../../src/http/problem.js'
import { ScimError, renderScimError, scimErrorResponse, toScimError } from '../../src/scim/scim-errors.js'

t.test('renders the RFC 7644 §3.12 shape with the status as a string', async (t) => {
  t.same(renderScimError(new ScimError(409, 'uniqueness', 'userName anna is taken')), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '409',
    scimType: 'uniqueness',
    detail: 'userName anna is taken'
  })
  t.same(renderScimError(new ScimError(404, undefined, 'No user u-9')), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '404',
    detail: 'No user u-9'
  })
})

t.test('answers with application/scim+json and the error\'s headers', async (t) => {
  const response = scimErrorResponse(new ScimError(401, undefined, 'No token', { headers: { 'www-authenticate': 'Bearer' } }))
  t.same(response, {
    status: 401,
    contentType: 'application/scim+json',
    headers: { 'www-authenticate': 'Bearer', 'content-type': 'application/scim+json' },
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'No token' }
  })
})

t.test('turns the project\'s problems into SCIM errors, keeping status and detail', async (t) => {
  const Forbidden = defineProblem('scim-test-forbidden', 'Not allowed here', 403)
  t.match(toScimError(Forbidden('The key lacks the scim scope')), { status: 403, scimType: undefined, detail: 'The key lacks the scim scope' })
  t.match(toScimError(Forbidden()), { status: 403, detail: 'Not allowed here' })
  const Broken = defineProblem('scim-test-broken', 'Store down', 503)
  t.match(toScimError(Broken('connection refused at 10.0.0.3')), { status: 503, detail: 'Internal server error' })
})

t.test('Fastify\'s own 4xx: validation is invalidValue, unreadable JSON invalidSyntax', async (t) => {
  t.match(toScimError(Object.assign(new Error('body must have required property \'userName\''), { statusCode: 400, validation: [] })),
    { status: 400, scimType: 'invalidValue', detail: 'body must have required property \'userName\'' })
  t.match(toScimError(Object.assign(new Error('Unexpected token } in JSON'), { statusCode: 400 })), { status: 400, scimType: 'invalidSyntax' })
  t.match(toScimError(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 })), { status: 415, scimType: undefined })
})

t.test('anything else is a 500 that shows no internals', async (t) => {
  const error = toScimError(new TypeError('cannot read properties of undefined (reading \'rows\')'))
  t.match(error, { status: 500, detail: 'Internal server error' })
  t.same(renderScimError(error), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500', detail: 'Internal server error' })
  t.match(toScimError('a string'), { status: 500 })
})
