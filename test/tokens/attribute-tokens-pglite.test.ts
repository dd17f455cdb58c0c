import t from 'tap'
import { inflateSync } from 'node:zlib'
import { decodeJwt } from 'jose'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { decodeStatusList, statusAt } from '../helpers/status-list.js'
import { mappingYaml, publishMapping } from '../mapping/helpers/mapping-app.js'
import { agency, ISSUER, requestToken, seededOrganisation, verifyAttributeToken } from './helpers/token-app.js'
import { approveRelyingParty } from '../helpers/relying-party.js'

// The embedded default: issuance and revocation on PGlite, one connection.
const test = await buildTestApp(await openTestStore('pglite'), { BEHORIG_ISSUER: ISSUER })
const { app } = test

t.test('on PGlite: a token is issued, and a mapping that drops its attribute revokes it', async (t) => {
  const org = await seededOrganisation(test)
  const fk = await agency(app, 'fk', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
  await approveRelyingParty(app, org, fk.clientId)
  const res = await requestToken(app, await fk.bearer(), { type: 'employee-number', value: '1001', organisation: org })
  t.equal(res.statusCode, 200, res.body)
  const { payload } = await verifyAttributeToken(app, res.json().attribute_token, 'fk')
  const status = (payload['status'] as { status_list: { idx: number, uri: string } }).status_list
  await publishMapping(app, org, mappingYaml(`  - id: bu-only
    when: { unit_within: soc-bu }
    grant: [socialtjanst.bu.handlaggare]
`))
  const list = decodeJwt((await app.inject({ method: 'GET', url: new URL(status.uri).pathname })).body)['status_list'] as { lst: string }
  const bytes = inflateSync(Buffer.from(list.lst, 'base64url'))
  t.equal(((bytes[status.idx >> 3] as number) >> (status.idx & 7)) & 1, 1, 'revoked within the publish')
  t.equal((await requestToken(app, await fk.bearer(), { type: 'employee-number', value: '1001', organisation: org })).statusCode, 404, 'nothing left to release')
})

t.test('on PGlite: a token needs the organisation\'s approval, and withdrawing it revokes the token', async (t) => {
  const org = await seededOrganisation(test, 'Godkännande kommun')
  const party = await agency(app, 'approved-pglite', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
  const ask = async () => requestToken(app, await party.bearer(), { type: 'employee-number', value: '1001', organisation: org })
  t.equal((await ask()).statusCode, 404, 'not approved yet')
  await approveRelyingParty(app, org, party.clientId)
  const res = await ask()
  t.equal(res.statusCode, 200, res.body)
  const status = ((await verifyAttributeToken(app, res.json().attribute_token, party.clientId)).payload['status'] as { status_list: { idx: number, uri: string } }).status_list
  const withdrawn = await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/relying-party-approvals/${party.clientId}`, headers: adminHeaders })
  t.equal(withdrawn.statusCode, 204, withdrawn.body)
  const list = decodeJwt((await app.inject({ method: 'GET', url: new URL(status.uri).pathname })).body)['status_list'] as { lst: string }
  t.equal(statusAt(decodeStatusList(list.lst), status.idx), 1, 'revoked by the withdrawal')
  t.equal((await ask()).statusCode, 404, 'and no further token')
})
