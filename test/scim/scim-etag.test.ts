import t from 'tap'
import { ScimError, renderScimError } from '../../src/scim/scim-errors.js'
import { checkPreconditions, contentEtag, parseEntityTags, versionEtag } from '../../src/scim/scim-etag.js'

const current = versionEtag(3)

function preconditionError (run: () => unknown): ScimError {
  try {
    run()
  } catch (error) {
    if (error instanceof ScimError) return error
    throw error
  }
  throw new Error('expected a failed precondition')
}

t.test('version tags are weak and quoted', async (t) => {
  t.equal(versionEtag(3), 'W/"3"')
  t.equal(versionEtag('a"b'), 'W/"ab"', 'quotes cannot break the tag')
})

t.test('content tags follow the content, not key order or meta', async (t) => {
  const a = contentEtag({ userName: 'a', name: { givenName: 'A', familyName: 'B' }, meta: { version: 'x' } })
  const b = contentEtag({ name: { familyName: 'B', givenName: 'A' }, userName: 'a', meta: { version: 'y' } })
  const c = contentEtag({ userName: 'b', name: { givenName: 'A', familyName: 'B' } })
  t.equal(a, b)
  t.not(a, c)
  t.match(a, /^W\/"[A-Za-z0-9_-]{22}"$/)
})

t.test('parses entity-tag lists', async (t) => {
  t.same(parseEntityTags('*'), '*')
  t.same(parseEntityTags('W/"3", "4" ,W/"x y"'), [{ weak: true, opaque: '3' }, { weak: false, opaque: '4' }, { weak: true, opaque: 'x y' }])
  t.same(parseEntityTags(['"1"', 'W/"2"']), [{ weak: false, opaque: '1' }, { weak: true, opaque: '2' }])
})

t.test('If-Match: proceeds on a matching tag, weak or strong, or on *', async (t) => {
  t.equal(checkPreconditions(current, { 'if-match': 'W/"3"' }, 'PUT'), 'proceed')
  t.equal(checkPreconditions(current, { 'if-match': '"3"' }, 'PATCH'), 'proceed')
  t.equal(checkPreconditions(current, { 'if-match': 'W/"1", W/"3"' }, 'DELETE'), 'proceed')
  t.equal(checkPreconditions(current, { 'if-match': '*' }, 'PUT'), 'proceed')
  t.equal(checkPreconditions(current, {}, 'PUT'), 'proceed', 'no header, no precondition')
})

t.test('If-Match: a stale tag is a 412 in the SCIM error shape', async (t) => {
  const error = preconditionError(() => checkPreconditions(current, { 'if-match': 'W/"2"' }, 'PATCH'))
  t.equal(error.status, 412)
  t.same(renderScimError(error), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '412',
    detail: 'The resource has changed: If-Match W/"2" does not match its current version W/"3"'
  })
  t.equal(preconditionError(() => checkPreconditions(undefined, { 'if-match': '*' }, 'PUT')).status, 412, '* needs the resource to exist')
})

t.test('If-None-Match: 304 for reads, 412 for writes', async (t) => {
  t.equal(checkPreconditions(current, { 'if-none-match': 'W/"3"' }, 'GET'), 'not-modified')
  t.equal(checkPreconditions(current, { 'if-none-match': '"3"' }, 'HEAD'), 'not-modified')
  t.equal(checkPreconditions(current, { 'if-none-match': 'W/"2"' }, 'GET'), 'proceed')
  t.equal(checkPreconditions(undefined, { 'if-none-match': '*' }, 'PUT'), 'proceed')
  t.equal(preconditionError(() => checkPreconditions(current, { 'if-none-match': '*' }, 'PUT')).status, 412)
  t.equal(preconditionError(() => checkPreconditions(current, { 'if-none-match': 'W/"3"' }, 'PATCH')).status, 412)
})
