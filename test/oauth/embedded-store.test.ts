import t from 'tap'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument, tokenRequest } from '../helpers/relying-party.js'
import { decodeStatusList, statusAt } from '../helpers/status-list.js'

// The embedded default (PGlite) runs the same keys, clients, replay guard and status lists.
const ISSUER = 'https://behorig.test'
const store = await openTestStore('pglite')
const { app } = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER, BEHORIG_SIGNING_ALG: 'EdDSA' })

t.test('registers a client, issues and verifies an access token, refuses a replay, rotates and revokes on PGlite', async (t) => {
  const key = await clientKey()
  await registerRelyingParty(app, 'fk', relyingPartyDocument([key]))
  const assertion = await clientAssertion(key, 'fk', ISSUER)
  const res = await tokenRequest(app, assertion)
  t.equal(res.statusCode, 200, res.body)
  t.equal((await tokenRequest(app, assertion)).json().error, 'invalid_client', 'replay refused by the store')

  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  const { protectedHeader } = await jwtVerify(res.json().access_token, createLocalJWKSet(jwks), { typ: 'at+jwt' })
  t.equal(protectedHeader.alg, 'EdDSA', 'BEHORIG_SIGNING_ALG=EdDSA signs with Ed25519')
  t.equal((await app.behorig.tokenServices.accessTokens.verify(res.json().access_token)).clientId, 'fk')

  t.equal((await app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: adminHeaders })).json().rotated, true)

  const statusLists = app.behorig.tokenServices.statusLists
  const ref = await statusLists.allocate()
  await statusLists.setStatus(ref.listId, ref.idx, true)
  const list = await app.inject({ method: 'GET', url: `/status-lists/${ref.listId}` })
  const current = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  const { payload } = await jwtVerify(list.body, createLocalJWKSet(current), { typ: 'statuslist+jwt' })
  t.equal(statusAt(decodeStatusList((payload['status_list'] as { lst: string }).lst), ref.idx), 1)
})
