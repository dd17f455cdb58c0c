// Fuzzes every route that takes a body with generated bad bodies, as an attacker or a broken
// integration would send them. The route list is the live route table, so a route added later
// is fuzzed without editing this file. Each request carries valid credentials for its route,
// and real ids where the path names one, so the body reaches validation and the handler.
// What must hold: never a 5xx, and every 4xx is a document the client can read — an RFC 9457
// problem, a SCIM error under /scim/v2 (RFC 7644 §3.12), an OAuth error at /oauth/token
// (RFC 6749 §5.2). Runs are seeded: set FUZZ_SEED to replay a reported failure, FUZZ_ROUTE
// (a regular expression over "METHOD /url") to fuzz only some routes, FUZZ_RUNS for more bodies
// (FULL=1 sends all 25 a route gets; test/helpers/property-runs.ts).
import t from 'tap'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { SCOPES } from '../../src/auth/scopes.js'
import type { RouteSummary } from '../../src/app.js'
import { OAUTH_ERRORS } from '../../src/oauth/errors.js'
import { registeredProblems } from '../../src/http/problem.js'
import { ERROR_MESSAGE } from '../../src/scim/scim-urns.js'
import { adminHeaders } from '../helpers/app.js'
import { createHrSource, csv, importAndWait } from '../helpers/sync.js'
import { scimClient, scimOrganisation } from '../scim/helpers/scim-client.js'
import { agency, ISSUER, tokenTestApp } from '../tokens/helpers/token-app.js'
import { clientAssertion } from '../helpers/relying-party.js'
import { JWT_BEARER_ASSERTION } from '../../src/oauth/client-assertion.js'
import { mappingYaml, submit } from '../mapping/helpers/mapping-app.js'
import { problemType } from '../helpers/problem-type.js'
import { propertyRuns } from '../helpers/property-runs.js'

const SEED = Number(process.env['FUZZ_SEED'] ?? 20260529)
const RUNS = Number(process.env['FUZZ_RUNS'] ?? propertyRuns(25))
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])
const FORM = 'application/x-www-form-urlencoded'

const test = await tokenTestApp()
const { app } = test
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort()

// ---- a real organisation with something behind every path id --------------------------------
const org = await test.createOrganisation('Fuzzkommun')
await createHrSource(app, org, 'hr', { max_end_percent: 100 })
const run = await importAndWait(app, org, csv([{ employee_number: '1001', unit_id: 'soc-eb', position_code: '151010', title: 'Socialsekreterare' }]))
const draft = await submit(app, org, mappingYaml('  - id: eb\n    when: { position_codes: ["151010"] }\n    grant: [socialtjanst.eb.handlaggare]\n'))
if (draft.statusCode !== 201) throw new Error(`submitting the mapping failed: ${draft.body}`)
const mappingVersion = String(draft.json().version)
const scim = await scimOrganisation(test)
const scimUsers = scimClient(app, scim)
const scimUser = await scimUsers.createUser('fuzz.user@exempel.se')
const scimGroup = await scimUsers.createGroup('Fuzz-gruppen', [scimUser['id'] as string])
const orgKey = await test.apiKeyHeaders(org, [...SCOPES])
const caller = await agency(app, 'fuzz-agency')

/** Real ids per path parameter; routes fall back to an id that names nothing, which is still a valid probe. */
function pathFor (route: RouteSummary): string {
  const scimRoute = route.url.startsWith('/scim/v2/')
  const ids: Record<string, string> = {
    org: scimRoute ? scim.org : org,
    run: run.id as string,
    version: mappingVersion,
    // A separate client id, so a generated body that happens to be valid never replaces fuzz-agency.
    client_id: 'fuzz-other-agency',
    id: scimRoute ? (route.url.includes('/Groups') ? scimGroup['id'] as string : scimUser['id'] as string) : 'hr'
  }
  return route.url.replace(/:([a-z_]+)/gi, (_m, name: string) => ids[name] ?? 'x0000000000000000')
}

async function credentialsFor (route: RouteSummary): Promise<Record<string, string>> {
  const auth = route.auth
  if (auth === false) return {}
  if (auth === undefined || 'platform' in auth) return adminHeaders
  if ('relyingParty' in auth) return caller.bearer()
  return route.url.startsWith('/scim/v2/') ? scim.auth : orgKey
}

// ---- the generated bad bodies -------------------------------------------------------------------

/** Property names each route's body schema declares (from the live OpenAPI document), so generated objects hit real fields. */
const openapi = (app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>> }).paths
function fieldNames (route: RouteSummary): string[] {
  const operation = openapi[route.url.replace(/:([a-z_]+)/gi, '{$1}')]?.[route.method.toLowerCase()]
  const names = new Set<string>()
  const walk = (schema: unknown, depth: number): void => {
    if (depth > 4 || typeof schema !== 'object' || schema === null) return
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && typeof value === 'object' && value !== null) for (const name of Object.keys(value)) names.add(name)
      walk(value, depth + 1)
    }
  }
  for (const media of Object.values(operation?.requestBody?.content ?? {})) walk(media.schema, 0)
  return [...names]
}

const COMMON_FIELDS = ['id', 'name', 'kind', 'schemas', 'userName', 'Operations', 'domain', 'rules', 'units', 'employments', 'config', 'scopes', 'subject', 'jwks', 'release']
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype']

const outOfRange = fc.constantFrom(-1, 0, -0, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, -(2 ** 31) - 1, 0.5, 1e-320, 1e20)
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  // eslint-disable-next-line no-template-curly-in-string -- a Log4Shell lookup, sent as plain text
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\u202e\u0645', '𝕏'.repeat(20), '../../etc/passwd', '%00', '${jndi:ldap://x}', "'; DROP TABLE people; --", '*)(uid=*))(|(uid=*', '=cmd|\' /C calc\'!A0', '\r\n\r\nX-Injected: 1', '2120000142', '198112289874'),
  fc.integer({ min: 1000, max: 300_000 }).map((n) => 'x'.repeat(n))
)
const leaf: fc.Arbitrary<unknown> = fc.oneof(fc.constant(null), fc.boolean(), outOfRange, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), nastyString)
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('node'), { maxKeys: 4 }))
})).node

interface JsonSchema {
  type?: string | string[],
  enum?: unknown[],
  const?: unknown,
  anyOf?: JsonSchema[],
  oneOf?: JsonSchema[],
  pattern?: string,
  properties?: Record<string, JsonSchema>,
  required?: string[],
  items?: JsonSchema,
  contains?: JsonSchema,
  minItems?: number,
  minimum?: number,
  maximum?: number,
  minLength?: number,
  maxLength?: number
}

/**
 * A body that follows the route's schema except for its leaves, some of which are nasty
 * (NUL, lone surrogates, huge strings, numbers out of range): these get past validation and
 * into handlers and the store, where bad bodies alone never arrive.
 */
function nearlyValid (schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return leaf
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: nastyString })
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => nearlyValid(alternative, depth + 1)))
  const type = [schema.type ?? 'any'].flat().find((t) => t !== 'null') ?? 'null'
  switch (type) {
    case 'object': {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, nearlyValid(property, depth + 1)]))
      return fc.record(properties, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) })
    }
    case 'array': {
      const pinned = schema.contains?.enum ? [schema.contains.enum[0]] : []
      return fc.array(nearlyValid(schema.items ?? {}, depth + 1), { minLength: Math.max(0, (schema.minItems ?? 0) - pinned.length), maxLength: 3 }).map((items) => [...pinned, ...items])
    }
    case 'string': return fc.oneof({ weight: 2, arbitrary: validString(schema) }, { weight: 1, arbitrary: nastyString })
    case 'integer': return fc.oneof(fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 }), outOfRange)
    case 'number': return fc.oneof(fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true }), outOfRange)
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    default: return leaf
  }
}

function validString (schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern) {
    try { return fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length <= (schema.maxLength ?? 200)) } catch { /* a pattern fast-check cannot generate from */ }
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) })
}

/** Snapshot uploads are streamed, so their schema is not in the OpenAPI document: it is schemas/hr-snapshot.schema.json. */
const readSchema = (name: string): JsonSchema => JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as JsonSchema
const SNAPSHOT: JsonSchema = {
  type: 'object',
  required: ['units', 'employments'],
  properties: { units: { type: 'array', items: readSchema('hr-unit.schema.json') }, employments: { type: 'array', items: readSchema('hr-employment.schema.json') } }
}

function bodySchema (route: RouteSummary): JsonSchema | undefined {
  if (route.url.endsWith('/imports')) return SNAPSHOT
  const operation = openapi[route.url.replace(/:([a-z_]+)/gi, '{$1}')]?.[route.method.toLowerCase()]
  const media = Object.values(operation?.requestBody?.content ?? {})[0]
  return media?.schema as JsonSchema | undefined
}

/** Deeply nested arrays or objects, as raw JSON text. */
const deepNesting = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean()).map(([depth, arrays]) => arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth))

function bodyArbitrary (route: RouteSummary): fc.Arbitrary<string> {
  const fields = [...new Set([...fieldNames(route), ...COMMON_FIELDS])]
  const field = fc.constantFrom(...fields)
  const objectOfFields = fc.dictionary(field, value, { maxKeys: 6 }).map((o) => JSON.stringify(o))
  // JSON.stringify would drop a __proto__ set through assignment: write those keys as text.
  const polluting = fc.tuple(fc.constantFrom(...POLLUTING_KEYS), fc.dictionary(field, value, { maxKeys: 3 }))
    .map(([key, rest]) => `{${JSON.stringify(key)}:{"polluted":true,"prototype":{"polluted":true}},${JSON.stringify(rest).slice(1)}`.replace(/,}$/, '}'))
  const wrongTopLevel = fc.oneof(leaf, fc.array(value, { maxLength: 5 })).map((v) => JSON.stringify(v))
  const notJson = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('{', '{"a":}', '[1,]', 'nul', '{"a":1}{"b":2}', '\uFEFF{}', '1e999999', '{"a":1e999}'))
  const schema = bodySchema(route)
  const shaped = schema ? nearlyValid(schema).map((v) => JSON.stringify(v)) : objectOfFields
  return fc.oneof(shaped, shaped, objectOfFields, polluting, wrongTopLevel, notJson, deepNesting)
}

function formArbitrary (): fc.Arbitrary<string> {
  const names = fc.constantFrom('grant_type', 'client_assertion_type', 'client_assertion', 'client_id', 'scope', 'resource', 'subject_token', 'subject_token_type', ...POLLUTING_KEYS, 'toString', 'hasOwnProperty')
  const pair = fc.tuple(fc.oneof(names, fc.string({ maxLength: 10 })), fc.oneof(nastyString, fc.constantFrom('client_credentials', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'eyJhbGciOiJub25lIn0.e30.', 'a.b.c')))
  // URLSearchParams, not encodeURIComponent: it encodes lone surrogates (as U+FFFD) instead of throwing.
  const encoded = fc.array(pair, { maxLength: 8 }).map((pairs) => new URLSearchParams(pairs).toString())
  const raw = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('%', '%zz=1', '&&&', '=', 'a=%E0%A4%A', 'grant_type=client_credentials&grant_type=client_credentials'))
  return fc.oneof(encoded, encoded, raw)
}

// ---- what every answer must look like ---------------------------------------------------------

function contentType (route: RouteSummary): string {
  if (route.url === '/oauth/token') return FORM
  return route.url.startsWith('/scim/v2/') ? 'application/scim+json' : 'application/json'
}

/** Why `res` is not an acceptable answer, or undefined when it is. */
function faultOf (route: RouteSummary, res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `answered ${res.statusCode}: ${res.body.slice(0, 300)}`
  if (res.statusCode < 400) return undefined
  let body: Record<string, unknown>
  try { body = res.json() } catch { return `a ${res.statusCode} whose body is not JSON: ${res.body.slice(0, 200)}` }
  if (route.url.startsWith('/scim/v2/')) {
    const ok = Array.isArray(body['schemas']) && (body['schemas'] as unknown[]).includes(ERROR_MESSAGE) && body['status'] === String(res.statusCode)
    return ok ? undefined : `not a SCIM error: ${res.body.slice(0, 200)}`
  }
  if (route.url === '/oauth/token') {
    const ok = typeof body['error'] === 'string' && Object.hasOwn(OAUTH_ERRORS, body['error']) && typeof body['error_description'] === 'string'
    return ok ? undefined : `not an OAuth error: ${res.body.slice(0, 200)}`
  }
  const ok = String(res.headers['content-type']).startsWith('application/problem+json') && typeof body['type'] === 'string' &&
    typeof body['title'] === 'string' && body['status'] === res.statusCode
  return ok ? undefined : `not an RFC 9457 problem: ${res.headers['content-type']} ${res.body.slice(0, 200)}`
}

/** fast-check's report, with the (possibly 300 kB) counterexample cut short, and how to replay it. */
function failureReport (details: fc.RunDetails<[string]>): string {
  const body = details.counterexample?.[0] ?? ''
  const shown = body.length > 400 ? `${body.slice(0, 200)}… (${body.length} characters) …${body.slice(-100)}` : body
  return `${details.errorInstance instanceof Error ? details.errorInstance.message.slice(0, 300) : 'failed'}\ncounterexample body: ${JSON.stringify(shown)}\nseed ${details.seed}, path ${details.counterexamplePath ?? ''}: replay with FUZZ_SEED=${SEED}`
}

const ONLY = process.env['FUZZ_ROUTE'] // a regular expression over "METHOD /url", e.g. "POST /scim/v2/:org/Users$", to replay a route
const bodyRoutes = app.routeSummaries.filter((r) => BODY_METHODS.has(r.method) && !r.url.startsWith('/docs'))
const fuzzedRoutes = bodyRoutes.filter((r) => ONLY === undefined || new RegExp(ONLY).test(`${r.method} ${r.url}`))

t.test('the route walk covers every route that takes a body', async (t) => {
  const urls = bodyRoutes.map((r) => `${r.method} ${r.url}`)
  for (const expected of ['PUT /v1/organisations/:org', 'POST /scim/v2/:org/Users', 'PATCH /scim/v2/:org/Groups/:id', 'POST /oauth/token', 'POST /v1/attribute-tokens', 'PUT /v1/relying-parties/:client_id', 'POST /v1/organisations/:org/mappings']) {
    t.ok(urls.includes(expected), `${expected} is fuzzed`)
  }
  t.comment(`fuzzing ${bodyRoutes.length} routes, ${RUNS} bodies each, seed ${SEED}`)
})

for (const route of fuzzedRoutes) {
  t.test(`${route.method} ${route.url} answers generated bad bodies with a 4xx document, never a 5xx`, async (t) => {
    const url = pathFor(route)
    const headers = { ...await credentialsFor(route), 'content-type': contentType(route) }
    const bodies = route.url === '/oauth/token' ? formArbitrary() : bodyArbitrary(route)
    const statuses = new Map<number, number>()
    const details = await fc.check(fc.asyncProperty(bodies, async (payload) => {
      // Access tokens are short-lived: fetch a fresh one when the route needs it.
      const auth = route.auth !== false && route.auth !== undefined && 'relyingParty' in route.auth ? await credentialsFor(route) : {}
      const res = await app.inject({ method: route.method as 'POST', url, headers: { ...headers, ...auth }, payload })
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      const fault = faultOf(route, res)
      if (fault) throw new Error(fault)
    }), { seed: SEED, numRuns: RUNS, endOnFailure: false })
    t.notOk(details.failed, details.failed ? failureReport(details) : 'no 5xx, every 4xx a readable error document')
    if (!details.failed) t.equal(details.numRuns, RUNS, `every body answered well: ${[...statuses].map(([s, n]) => `${n}×${s}`).join(', ')}`)
  })
}

// Found by the fuzzing above; kept as plain regressions so they never depend on the seed.
t.test('documents nested thousands of levels deep are refused, not a stack overflow', async (t) => {
  const deepObject = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)
  const json = { ...adminHeaders, 'content-type': 'application/json' }
  for (const [method, url] of [['POST', `/v1/organisations/${org}/sources`], ['PUT', `/v1/organisations/${org}/sources/hr`], ['PUT', '/v1/relying-parties/fuzz-deep']] as const) {
    const res = await app.inject({ method, url, headers: json, payload: deepObject })
    // Refused by the JSON parser every route shares, before any route code sees it.
    t.equal(res.statusCode, 400, `${method} ${url}`)
    t.match(res.json(), { type: problemType('validation-failed', ISSUER), errors: [{ pointer: '', detail: /nests deeper than 64 levels/ }] })
  }
  // Before the fix, 1500 nested brackets (3 kB) in a mapping aborted the whole process.
  for (const [type, text] of [['application/json', '['.repeat(5000) + ']'.repeat(5000)], ['application/yaml', '- '.repeat(20000) + 'x\n'], ['application/yaml', 'rules: ' + '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)]] as const) {
    const mapping = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings`, headers: { ...adminHeaders, 'content-type': type }, payload: text })
    t.equal(mapping.statusCode, 400, `a deep ${type} mapping`)
    t.match(mapping.json(), { type: problemType('malformed-mapping', ISSUER), detail: /nests deeper than a mapping can/, line: 1 })
  }
  const res = await scimUsers.post('/Users', '['.repeat(5000) + ']'.repeat(5000))
  t.equal(res.statusCode, 400)
  t.match(res.json(), { status: '400', scimType: 'invalidSyntax', detail: /nests deeper than 64 levels/ })
})

t.test('a NUL character or an unpaired surrogate in an otherwise valid body is a 400, not a database error', async (t) => {
  const before = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: adminHeaders })).json()
  const named = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'Fuzz\u0000kommun', kind: 'municipality' } })
  t.equal(named.statusCode, 400)
  t.match(named.json(), { type: problemType('validation-failed', ISSUER), detail: /NUL character/ })
  const after = await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: adminHeaders })
  t.same(after.json(), before, 'nothing changed')

  const created = await scimUsers.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'nul\u0000@exempel.se' })
  t.equal(created.statusCode, 400)
  t.match(created.json(), { status: '400', scimType: 'invalidValue', detail: /NUL character/ })
  // JSON.stringify would write a lone surrogate as an escape too; the raw text makes the point plainly.
  const surrogate = await scimUsers.post('/Users', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"surrogat@exempel.se","title":"\\udfff\\ud800"}')
  t.equal(surrogate.statusCode, 400)
  t.match(surrogate.json(), { status: '400', scimType: 'invalidValue', detail: /unpaired UTF-16 surrogate/ })
  const patched = await scimUsers.patch(`/Users/${scimUser['id'] as string}`, [{ op: 'replace', path: 'title', value: 'Social\u0000sekreterare' }])
  t.equal(patched.statusCode, 400)
  t.match(patched.json(), { status: '400', scimType: 'invalidValue' })

  // Two rules alike but for the lone surrogate are compared in canonical JSON before anything is stored.
  const mappingsBefore = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings`, headers: adminHeaders })).json()
  const rule = (id: string): string => `{"id":"${id}","when":{"titles":["Social\\ud800"]},"grant":["socialtjanst.eb.handlaggare"]}`
  const halfPairMapping = await submit(app, org, `{"domain":"socialtjanst","catalog_version":"1.0.0","rules":[${rule('a')},${rule('b')}]}`, 'application/json')
  t.equal(halfPairMapping.statusCode, 400, halfPairMapping.body)
  t.match(halfPairMapping.json(), { type: problemType('validation-failed', ISSUER), detail: /unpaired UTF-16 surrogate/ })
  t.same((await app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings`, headers: adminHeaders })).json(), mappingsBefore, 'no mapping version was stored')

  const snapshot = JSON.stringify({ units: [{ id: 'soc', name: 'Social\u0000förvaltningen' }], employments: [] })
  const upload = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/hr/imports`, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: snapshot })
  t.equal(upload.statusCode, 422, 'a JSON snapshot is refused like a CSV one with NUL bytes')
  t.match(upload.json(), { type: problemType('hr-snapshot-unreadable', ISSUER), errors: [{ pointer: '/units/0', detail: /NUL/ }] })
  const halfPair = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/hr/imports`, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: '{"units":[],"employments":[{"employee_number":"\\ud800"}]}' })
  t.equal(halfPair.statusCode, 422)
  t.match(halfPair.json(), { type: problemType('hr-snapshot-unreadable', ISSUER), errors: [{ pointer: '/employments/0', detail: /unpaired UTF-16 surrogate/ }] })
})

t.test('form parameters named like Object.prototype members are ignored as unknown, not taken for repeats', async (t) => {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: await clientAssertion(caller.key, caller.clientId, ISSUER) })
  for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) form.append(name, 'x')
  const res = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': FORM }, payload: form.toString() })
  t.equal(res.statusCode, 200, res.body)
  t.type(res.json().access_token, 'string')
  const repeated = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': FORM }, payload: `${form.toString()}&grant_type=client_credentials` })
  t.match(repeated.json(), { error: 'invalid_request', error_description: /grant_type appears more than once/ })
})

t.test('__proto__, constructor and prototype keys in bodies never reach Object.prototype', async (t) => {
  t.same(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore, 'Object.prototype has no new properties')
  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'a fresh object inherits nothing injected')
  t.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined)
  // And directly: a body that tries it on a route that accepts JSON is refused, not merged.
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: '{"name":"X","kind":"municipality","__proto__":{"polluted":true}}' })
  t.equal(res.statusCode, 400)
  t.equal(res.json().type, problemType('validation-failed', ISSUER))
  t.equal(({} as Record<string, unknown>)['polluted'], undefined)
})

t.test('the fuzzing left the prepared data in place, so later routes were fuzzed against real ids', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${run.id as string}`, headers: adminHeaders })
  t.equal(res.statusCode, 200)
})

t.test('sync runs of generated snapshots settle, and fail only for a documented client problem', async (t) => {
  let runs: Array<{ id: string, state: string, error?: { type?: string } }> = []
  for (let i = 0; i < 400; i++) {
    runs = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs?limit=100`, headers: adminHeaders })).json().items
    if (!runs.some((r) => r.state === 'queued' || r.state === 'running')) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  t.ok(runs.length >= 1)
  // A refused snapshot is recorded as a failed run with its 4xx problem; an unexpected error has no type.
  const clientProblems = new Set(registeredProblems().filter((p) => p.status < 500).map((p) => problemType(p.slug, ISSUER)))
  const unexpected = runs.filter((r) => ['queued', 'running'].includes(r.state) || (r.state === 'failed' && !clientProblems.has(r.error?.type ?? '')))
  t.same(unexpected, [], 'every run settled, none with an unexpected error')
})
