import t from 'tap'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest } from '../helpers/relying-party.js'
import { problemType } from '../helpers/problem-type.js'

// What POST /v1/attribute-tokens will declare: `auth: { relyingParty: true }`.
const ISSUER = 'https://behorig.test'
const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })
app.get('/test/relying-party-only', { config: { auth: { relyingParty: true } } }, async function whoAmI (request) {
  const principal = request.principal
  return principal?.kind === 'relying-party' ? { client_id: principal.clientId } : { kind: principal?.kind }
})
const key = await clientKey()
await registerRelyingParty(app, 'fk', relyingPartyDocument([key]))

async function bearer (): Promise<{ authorization: string }> {
  const res = await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER))
  return { authorization: `Bearer ${res.json().access_token as string}` }
}
const call = (headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/test/relying-party-only', headers })

t.test('a relying party\'s access token admits it and names it', async (t) => {
  const res = await call(await bearer())
  t.equal(res.statusCode, 200)
  t.same(res.json(), { client_id: 'fk' })
})

t.test('nothing else gets in', async (t) => {
  const none = await call()
  t.equal(none.statusCode, 401)
  t.equal(none.json().type, problemType('unauthenticated', ISSUER))
  const org = await createOrganisation()
  for (const headers of [adminHeaders, await apiKeyHeaders(org, ['organisation:read']), { authorization: 'Bearer not-a-token' }]) {
    const res = await call(headers)
    t.equal(res.statusCode, 401)
    t.equal(res.json().type, problemType('invalid-access-token', ISSUER))
    t.match(res.headers['www-authenticate'], /error="invalid_token"/)
  }
})

t.test('an access token opens no administration route', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/relying-parties', headers: await bearer() })
  t.equal(res.statusCode, 401)
  t.equal(res.json().type, problemType('invalid-credentials', ISSUER))
})

// Disabling a party shuts its live access token out of the attribute-token endpoint at its
// next request: read there with the subject (test/tokens/attribute-tokens.test.ts).
