// The token endpoint's audit events: access tokens issued, client authentications refused,
// both in the platform chain, and the assertion itself never recorded.
import t from 'tap'
import { decodeJwt } from 'jose'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest } from '../helpers/relying-party.js'

const ISSUER = 'https://behorig.test'
const store = await openTestStore()
const { app } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })
const key = await clientKey()
await registerRelyingParty(app, 'fk', relyingPartyDocument([key]))

const platformEvents = async (action: string) =>
  (await store.db.selectFrom('audit_events').selectAll().where('chain', '=', 'platform').where('action', '=', action).orderBy('seq').execute())
    .map((e) => ({ ...e, details: (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as Record<string, unknown> }))

t.test('an issued access token is recorded with its jti, by the client that got it', async (t) => {
  const res = await tokenRequest(app, await clientAssertion(key, 'fk', ISSUER))
  t.equal(res.statusCode, 200)
  const { jti, exp } = decodeJwt(res.json().access_token as string)
  const [event] = await platformEvents('access-token.issued')
  t.match(event, { organisation: null, client_id: 'fk', actor: { kind: 'relying-party', client_id: 'fk' }, details: { jti, expires_at: new Date(Number(exp) * 1000).toISOString(), scope: 'attribute-tokens' } })
})

t.test('a refused client authentication is recorded with what it claimed and why, never the assertion', async (t) => {
  const other = await clientKey()
  const forged = await clientAssertion(other, 'fk', ISSUER) // signed with a key fk never registered
  const res = await tokenRequest(app, forged)
  t.equal(res.statusCode, 401)
  t.equal(res.json().error, 'invalid_client')
  const unknown = await tokenRequest(app, await clientAssertion(other, 'no-such-client', ISSUER))
  t.equal(unknown.statusCode, 401)
  const events = await platformEvents('client-authentication.refused')
  t.match(events, [
    { client_id: null, actor: { kind: 'system', component: 'token-endpoint' }, details: { claimed_client_id: 'fk', reason: String(res.json().error_description) } },
    { details: { claimed_client_id: 'no-such-client', reason: 'unknown or disabled client' } }
  ])
  const stored = JSON.stringify(await store.db.selectFrom('audit_events').selectAll().execute())
  t.notOk(stored.includes(forged.split('.')[2] as string), 'the assertion is not in the audit log')
})

t.test('a refusal that is not about the client (a malformed request) is not an authentication event', async (t) => {
  const before = (await platformEvents('client-authentication.refused')).length
  const res = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' })
  t.equal(res.statusCode, 400)
  t.equal((await platformEvents('client-authentication.refused')).length, before)
})
