import t from 'tap'
import { inflateSync } from 'node:zlib'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { importAndWait } from '../helpers/sync.js'
import { recomputes } from '../mapping/helpers/mapping-app.js'
import { agency, ISSUER, JOBS, requestToken, seededOrganisation, snapshotWithPin, tokenTestApp, verifyAttributeToken } from './helpers/token-app.js'
import { approveRelyingParty } from '../helpers/relying-party.js'

const test = await tokenTestApp()
const { app } = test
const waitFor = recomputes(app)
const org = await seededOrganisation(test)
const fk = await agency(app, 'fk', { release: { domains: ['socialtjanst'] } })
await approveRelyingParty(app, org, fk.clientId)
const headers = await fk.bearer()

interface StatusRef { idx: number, uri: string }

async function issue (employeeNumber: string): Promise<{ jti: string, status: StatusRef }> {
  const res = await requestToken(app, headers, { type: 'employee-number', value: employeeNumber, organisation: org })
  if (res.statusCode !== 200) throw new Error(`no token for ${employeeNumber}: ${res.body}`)
  const { payload } = await verifyAttributeToken(app, res.json().attribute_token, 'fk')
  return { jti: payload.jti as string, status: (payload['status'] as { status_list: StatusRef }).status_list }
}

/** Reads a token's status as a verifier would: fetch the list token, verify it, inflate `lst`, read bit idx % 8 of byte idx / 8. */
async function statusOf (ref: StatusRef): Promise<number> {
  const res = await app.inject({ method: 'GET', url: new URL(ref.uri).pathname, headers: { accept: 'application/statuslist+jwt' } })
  const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet)
  const { payload } = await jwtVerify(res.body, jwks, { issuer: ISSUER, typ: 'statuslist+jwt', subject: ref.uri })
  const list = payload['status_list'] as { bits: number, lst: string }
  t.equal(list.bits, 1)
  const bytes = inflateSync(Buffer.from(list.lst, 'base64url'))
  return ((bytes[ref.idx >> 3] as number) >> (ref.idx & 7)) & 1
}

async function reimport (jobs: typeof JOBS): Promise<void> {
  const run = await importAndWait(app, org, snapshotWithPin(jobs), 'application/json')
  if (run.state !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(run)}`)
  await waitFor.after(run.id)
}

t.test('ending an employment in an HR re-import revokes the person\'s live tokens in the status list', async (t) => {
  const leaver = await issue('1001')
  const stayer = await issue('1002')
  t.equal(await statusOf(leaver.status), 0, 'valid when issued')
  await reimport(JOBS.filter((j) => j.employee_number !== '1001'))
  t.equal(await statusOf(leaver.status), 1, 'the leaver\'s token is revoked once the recompute returns')
  t.equal(await statusOf(stayer.status), 0, 'nobody else\'s')
  const rows = await test.store.db.selectFrom('attribute_tokens').select(['jti', 'revoked_at']).where('jti', 'in', [leaver.jti, stayer.jti]).execute()
  t.ok(rows.find((r) => r.jti === leaver.jti)?.revoked_at, 'recorded as revoked')
  t.equal(rows.find((r) => r.jti === stayer.jti)?.revoked_at, null)
})

t.test('losing one attribute revokes only the tokens that carried it', async (t) => {
  const both = await issue('1002')
  const ebOnly = await agency(app, 'eb-only', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
  await approveRelyingParty(app, org, ebOnly.clientId)
  const res = await requestToken(app, await ebOnly.bearer(), { type: 'employee-number', value: '1002', organisation: org })
  const ebToken = (await verifyAttributeToken(app, res.json().attribute_token, 'eb-only')).payload
  const ebStatus = (ebToken['status'] as { status_list: StatusRef }).status_list
  // 1002 leaves Barn och unga and keeps the eb job.
  await reimport(JOBS.filter((j) => j.employee_number !== '1001' && j.unit_id !== 'soc-bu'))
  t.equal(await statusOf(both.status), 1, 'the token that carried the bu attribute is revoked')
  t.equal(await statusOf(ebStatus), 0, 'the token with only the eb attribute stays valid')
  const fresh = await issue('1002')
  t.equal(await statusOf(fresh.status), 0, 'a new token is issued with what remains')
})

t.test('an employment with an end date puts valid_until on the attribute', async (t) => {
  const end = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  await reimport([...JOBS.filter((j) => j.employee_number !== '1001' && j.unit_id !== 'soc-bu'), { employee_number: '1004', unit_id: 'soc-eb-norr', employment_type: 'visstid', end_date: end }])
  const res = await requestToken(app, headers, { type: 'employee-number', value: '1004', organisation: org })
  t.same((await verifyAttributeToken(app, res.json().attribute_token, 'fk')).payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr', valid_until: end }])
})
