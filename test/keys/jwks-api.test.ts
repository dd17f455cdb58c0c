import t from 'tap'
import { Writable } from 'node:stream'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { JOB_NAMES } from '../../src/job-handlers.js'
import { KEY_ROTATION_JOB } from '../../src/keys/service.js'
import { problemType } from '../helpers/problem-type.js'

const logs: string[] = []
const logStream = new Writable({ write (chunk, _encoding, done) { logs.push(String(chunk)); done() } })
const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store, { LOG_LEVEL: 'trace' }, { logStream })
await app.ready()

async function jwks () {
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  return { res, body: res.json() as JSONWebKeySet }
}

t.test('JWKS is public, cacheable for less than the pre-publication period, and has an ETag', async (t) => {
  const { res, body } = await jwks()
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/jwk-set\+json/)
  const maxAge = Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))?.[1])
  t.ok(maxAge > 0 && maxAge < 86_400 / 2, `max-age ${maxAge} is well below the default pre-publication period`)
  t.equal(body.keys.length, 2, 'active and next key')
  const etag = String(res.headers.etag)
  const again = await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { 'if-none-match': etag } })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
})

t.test('forcing a rotation needs the platform admin', async (t) => {
  t.equal((await app.inject({ method: 'POST', url: '/v1/keys/rotate' })).statusCode, 401)
  const org = await createOrganisation()
  const res = await app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: await apiKeyHeaders(org, ['sources:write']) })
  t.equal(res.statusCode, 403)
  t.equal(res.json().type, problemType('platform-admin-only'))
})

t.test('a forced rotation leaves no verification gap', async (t) => {
  const signer = app.behorig.tokenServices.keys.signer
  const now = Math.floor(Date.now() / 1000)
  const before = await signer.sign({ typ: 'JWT' }, { sub: 'before', iat: now, exp: now + 3600 })
  const { body: published } = await jwks()
  const res = await app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: adminHeaders })
  t.equal(res.statusCode, 200)
  const result = res.json()
  t.equal(result.rotated, true)
  t.ok(published.keys.some((k) => k.kid === result.active.kid), 'the new active key was in the JWKS clients already had')
  const after = await signer.sign({ typ: 'JWT' }, { sub: 'after' })
  const { body: current, res: currentRes } = await jwks()
  t.equal(current.keys.length, 3, 'active, next and the retired key')
  const set = createLocalJWKSet(current)
  t.equal((await jwtVerify(before, set)).payload.sub, 'before', 'a token signed before the rotation verifies')
  t.equal((await jwtVerify(after, set)).payload.sub, 'after', 'a token signed after the rotation verifies')
  t.equal((await jwtVerify(after, createLocalJWKSet(published))).payload.sub, 'after', 'and verifies with the JWKS fetched before the rotation')
  t.not(currentRes.headers.etag, undefined)
})

t.test('rotation runs as a registered job', async (t) => {
  t.ok((JOB_NAMES as readonly string[]).includes(KEY_ROTATION_JOB))
  t.ok(await app.behorig.queue.nextRun(KEY_ROTATION_JOB), 'scheduled')
})

t.test('no private key reaches the log', async (t) => {
  await app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: adminHeaders })
  const text = logs.join('')
  t.ok(text.length > 0, 'something was logged')
  t.notMatch(text, /PRIVATE KEY|"d":/)
})
