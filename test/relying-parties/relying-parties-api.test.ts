import t from 'tap'
import { readFileSync } from 'node:fs'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { clientKey, relyingPartyDocument } from '../helpers/relying-party.js'
import { problemType } from '../helpers/problem-type.js'

const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)
const key = await clientKey()

const put = (clientId: string, payload: unknown, headers: Record<string, string> = adminHeaders) =>
  app.inject({ method: 'PUT', url: `/v1/relying-parties/${clientId}`, headers, payload: payload as object })

t.test('registers, reads, replaces, lists and deletes a relying party', async (t) => {
  const created = await put('fk-ssbtek', relyingPartyDocument([key]))
  t.equal(created.statusCode, 201)
  t.match(created.json(), {
    client_id: 'fk-ssbtek',
    name: 'Försäkringskassan – SSBTEK',
    organisation: '2021005521',
    release: { attributes: ['socialtjanst.eb.handlaggare'], domains: [], organisations: 'all', subject: 'pairwise' },
    token_lifetime: 300,
    disabled: false
  }, 'defaults filled in')
  t.same(created.json().jwks.keys[0].kid, key.kid)

  const replaced = await put('fk-ssbtek', relyingPartyDocument([key], { organisation: '202100-5521', token_lifetime: 600, release: { domains: ['socialtjanst'], organisations: ['2120000142'] } }))
  t.equal(replaced.statusCode, 200)
  t.match(replaced.json(), { organisation: '2021005521', token_lifetime: 600, release: { domains: ['socialtjanst'], organisations: ['2120000142'] } })

  const read = await app.inject({ method: 'GET', url: '/v1/relying-parties/fk-ssbtek', headers: adminHeaders })
  t.equal(read.statusCode, 200)
  t.equal(read.json().token_lifetime, 600)

  await put('csn-1', relyingPartyDocument([key]))
  const first = await app.inject({ method: 'GET', url: '/v1/relying-parties?limit=1', headers: adminHeaders })
  t.equal(first.json().items.length, 1)
  t.equal(first.json().items[0].client_id, 'csn-1')
  const second = await app.inject({ method: 'GET', url: `/v1/relying-parties?limit=1&cursor=${first.json().next_cursor}`, headers: adminHeaders })
  t.equal(second.json().items[0].client_id, 'fk-ssbtek')

  t.equal((await app.inject({ method: 'DELETE', url: '/v1/relying-parties/csn-1', headers: adminHeaders })).statusCode, 204)
  const gone = await app.inject({ method: 'GET', url: '/v1/relying-parties/csn-1', headers: adminHeaders })
  t.equal(gone.statusCode, 404)
  t.equal(gone.json().type, problemType('unknown-relying-party'))
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/relying-parties/csn-1', headers: adminHeaders })).statusCode, 404)
})

t.test('a new generation on every new key set or disabling, none on other changes', async (t) => {
  const service = app.behorig.tokenServices.relyingParties
  const generation = async () => (await store.db.selectFrom('relying_parties').select('generation').where('client_id', '=', 'gen').executeTakeFirstOrThrow()).generation
  const byUri = (uri: string, overrides: Record<string, unknown> = {}) => ({ ...relyingPartyDocument([]), jwks: undefined, jwks_uri: uri, ...overrides })
  await service.put('gen', byUri('https://fk.example/jwks.json'))
  const first = await generation()
  await service.put('gen', byUri('https://fk.example/jwks.json', { name: 'Another name', token_lifetime: 60 }))
  t.equal(await generation(), first, 'name and lifetime are not the key set')
  await service.put('gen', byUri('https://fk.example/other-jwks.json'))
  const second = await generation()
  t.not(second, first, 'another jwks_uri')
  await service.put('gen', relyingPartyDocument([key]))
  const third = await generation()
  t.not(third, second, 'jwks instead of jwks_uri')
  await service.put('gen', relyingPartyDocument([key], { disabled: true }))
  const fourth = await generation()
  t.not(fourth, third, 'disabled')
  await service.put('gen', relyingPartyDocument([key]))
  t.equal(await generation(), fourth, 'enabling keeps the generation: tokens from before the disabling stay dead')
  await service.delete('gen')
  await service.put('gen', relyingPartyDocument([key]))
  t.not(await generation(), fourth, 'deleted and registered again')
})

t.test('only the platform admin manages relying parties', async (t) => {
  t.equal((await put('x', relyingPartyDocument([key]), {})).statusCode, 401)
  const org = await createOrganisation()
  const res = await put('x', relyingPartyDocument([key]), await apiKeyHeaders(org, ['sources:write']))
  t.equal(res.statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: '/v1/relying-parties', headers: await apiKeyHeaders(org, ['sources:read']) })).statusCode, 403)
})

const pub = key.publicJwk
const invalid: Array<[string, Record<string, unknown>, string[]]> = [
  ['neither jwks nor jwks_uri', relyingPartyDocument([], { jwks: undefined }), ['']],
  ['both jwks and jwks_uri', relyingPartyDocument([key], { jwks_uri: 'https://fk.example/jwks.json' }), ['']],
  ['a plain-HTTP jwks_uri', relyingPartyDocument([], { jwks: undefined, jwks_uri: 'http://fk.example/jwks.json' }), ['/jwks_uri']],
  ['a private key', relyingPartyDocument([], { jwks: { keys: [{ ...pub, d: 'c2VjcmV0' }] } }), ['/jwks/keys/0/d']],
  ['a symmetric key', relyingPartyDocument([], { jwks: { keys: [{ kty: 'oct', kid: 'h', k: 'c2VjcmV0' }] } }), ['/jwks/keys/0/kty', '/jwks/keys/0/k']],
  ['a key without kid', relyingPartyDocument([], { jwks: { keys: [{ ...pub, kid: undefined }] } }), ['/jwks/keys/0/kid']],
  ['two keys with one kid', relyingPartyDocument([key, key]), ['/jwks/keys/1/kid']],
  ['a key that is not on its curve', relyingPartyDocument([], { jwks: { keys: [{ ...pub, x: pub.y }] } }), ['/jwks/keys/0']],
  ['a mistyped organisation number', relyingPartyDocument([key], { organisation: '2021005522' }), ['/organisation']],
  ['personnummer without a legal basis', relyingPartyDocument([key], { release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'personal-identity-number' } }), ['/release/legal_basis']],
  ['a release with nothing to release', relyingPartyDocument([key], { release: { subject: 'service-id' } }), ['/release']],
  ['an unknown subject type', relyingPartyDocument([key], { release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'email' } }), ['/release/subject']],
  ['a bad organisations list', relyingPartyDocument([key], { release: { attributes: ['socialtjanst.eb.handlaggare'], organisations: 'some' } }), ['/release/organisations']],
  ['a token lifetime over an hour', relyingPartyDocument([key], { token_lifetime: 3601 }), ['/token_lifetime']],
  ['an unknown member', relyingPartyDocument([key], { colour: 'blue' }), ['/colour']],
  ['an empty subject_token_audiences', relyingPartyDocument([key], { subject_token_audiences: [] }), ['/subject_token_audiences']],
  ['a subject token audience twice', relyingPartyDocument([key], { subject_token_audiences: ['sp', 'sp'] }), ['/subject_token_audiences']],
  ['an empty subject token audience', relyingPartyDocument([key], { subject_token_audiences: [''] }), ['/subject_token_audiences/0']],
  ['a subject token audience over 512 characters', relyingPartyDocument([key], { subject_token_audiences: ['a'.repeat(513)] }), ['/subject_token_audiences/0']],
  ['a subject token audience that is not a string', relyingPartyDocument([key], { subject_token_audiences: [7] }), ['/subject_token_audiences/0']],
  ['more than 20 subject token audiences', relyingPartyDocument([key], { subject_token_audiences: Array.from({ length: 21 }, (_, i) => `sp-${i}`) }), ['/subject_token_audiences']]
]

for (const [what, document, pointers] of invalid) {
  t.test(`refuses ${what} with a 422 pointing at it`, async (t) => {
    const res = await put('bad-client', JSON.parse(JSON.stringify(document)))
    t.equal(res.statusCode, 422, res.body)
    t.equal(res.json().type, problemType('relying-party-invalid'))
    const got = (res.json().errors as Array<{ pointer: string }>).map((e) => e.pointer)
    for (const pointer of pointers) t.ok(got.includes(pointer), `points at "${pointer}" (got ${JSON.stringify(got)})`)
  })
}

t.test('subject_token_audiences is stored and shown', async (t) => {
  const res = await put('fk-audiences', relyingPartyDocument([key], { subject_token_audiences: ['https://sp.fk.example/saml', 'fk-at-idp'] }))
  t.equal(res.statusCode, 201, res.body)
  t.same(res.json().subject_token_audiences, ['https://sp.fk.example/saml', 'fk-at-idp'])
  t.notOk('subject_token_audiences' in (await put('fk-no-audiences', relyingPartyDocument([key]))).json(), 'optional, no default')
})

t.test('personnummer is released with a stated legal basis', async (t) => {
  const res = await put('fk-pnr', relyingPartyDocument([key], { release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'personal-identity-number', legal_basis: 'Socialförsäkringsbalken (2010:110) 110 kap. 31 §' } }))
  t.equal(res.statusCode, 201)
})

t.test('refuses a malformed client_id in the path', async (t) => {
  const res = await put('has%20space', relyingPartyDocument([key]))
  t.equal(res.statusCode, 400)
})

t.test('the schema documents every member and has an $id', async (t) => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/relying-party.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>
  t.equal(schema['$id'], 'https://behorig.se/schemas/relying-party.schema.json')
  t.equal(schema['$schema'], 'https://json-schema.org/draft/2020-12/schema')
  const undocumented: string[] = []
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return
    const properties = (node as { properties?: Record<string, unknown> }).properties
    for (const [name, child] of Object.entries(properties ?? {})) {
      if (typeof (child as { description?: unknown }).description !== 'string') undocumented.push(`${path}/${name}`)
    }
    // Conditions (anyOf, if, …) constrain members documented where they are declared.
    for (const [name, child] of Object.entries(node)) if (!['anyOf', 'oneOf', 'allOf', 'if', 'then', 'not'].includes(name)) walk(child, `${path}/${name}`)
  }
  walk(schema, '')
  t.same(undocumented, [])
})
