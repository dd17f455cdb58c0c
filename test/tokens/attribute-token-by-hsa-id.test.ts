import t from 'tap'
import { buildTestApp, defaultStoreKind, openTestStore, type StoreKind } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'
import { agency, ISSUER, JOBS, requestToken, seededOrganisation, snapshotWithPin, verifyAttributeToken } from './helpers/token-app.js'
import { approveRelyingParty } from '../helpers/relying-party.js'

const HSA_ID = 'SE2120001124-AB1001'

/** The token tests' organisation, 1001 carrying an HSA-id. */
function snapshotWithHsaId (): string {
  const doc = JSON.parse(snapshotWithPin(JOBS)) as { employments: Array<Record<string, unknown>> }
  for (const e of doc.employments) if (e['employee_number'] === '1001') e['hsa_id'] = HSA_ID
  return JSON.stringify(doc)
}

// The lookup is SQL (behorig_token_subject): both stores run it.
const kinds: StoreKind[] = defaultStoreKind() === 'postgres' ? ['postgres', 'pglite'] : ['pglite']

for (const kind of kinds) {
  t.test(`on ${kind}`, async (t) => {
    const test = await buildTestApp(await openTestStore(kind), { BEHORIG_ISSUER: ISSUER })
    const { app } = test
    const org = await seededOrganisation(test, 'Exempelkommun', snapshotWithHsaId())
    const fk = await agency(app, 'fk', { release: { attributes: ['socialtjanst.eb.handlaggare'] } })
    await approveRelyingParty(app, org, fk.clientId)
    const bearer = await fk.bearer()

    t.test('a relying party names the person by HSA-id', async (t) => {
      const res = await requestToken(app, bearer, { type: 'hsa-id', value: HSA_ID, organisation: org })
      t.equal(res.statusCode, 200, res.body)
      const byHsaId = await verifyAttributeToken(app, res.json().attribute_token, 'fk')
      t.same(byHsaId.payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }])
      const byNumber = await verifyAttributeToken(app, (await requestToken(app, bearer, { type: 'employee-number', value: '1001', organisation: org })).json().attribute_token, 'fk')
      t.equal(byHsaId.payload.sub, byNumber.payload.sub, 'the same person as by employee number')
    })

    t.test('an HSA-id nobody has is the usual 404', async (t) => {
      const res = await requestToken(app, bearer, { type: 'hsa-id', value: 'SE2120001124-NOBODY', organisation: org })
      t.equal(res.statusCode, 404)
      t.equal(res.json().type, problemType('subject-not-found', ISSUER))
    })

    t.test('a malformed HSA-id is a 400 pointing at the value', async (t) => {
      for (const value of ['2120001124-AB1001', 'SE2120001124-AB 1001', 'SE2120001124-' + 'A'.repeat(19)]) {
        const res = await requestToken(app, bearer, { type: 'hsa-id', value, organisation: org })
        t.equal(res.statusCode, 400, value)
        t.equal(res.json().type, problemType('validation-failed', ISSUER))
        t.match(res.json().errors, [{ pointer: '/subject/value' }])
      }
    })
  })
}
