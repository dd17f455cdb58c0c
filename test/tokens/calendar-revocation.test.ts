import t from 'tap'
import { importAndWait } from '../helpers/sync.js'
import { NOW, recomputes, type Job } from '../mapping/helpers/mapping-app.js'
import { agency, JOBS, requestToken, seededOrganisation, snapshotWithPin, tokenTestApp, verifyAttributeToken } from './helpers/token-app.js'
import { approveRelyingParty } from '../helpers/relying-party.js'

// The evaluation clock: 1 June 2025, moved on a day by the test.
let now = NOW
const test = await tokenTestApp({ now: () => now })
const { app } = test
const waitFor = recomputes(app)
const org = await seededOrganisation(test)
const fk = await agency(app, 'fk', { release: { domains: ['socialtjanst'] } })
await approveRelyingParty(app, org, fk.clientId)

t.test('an unchanged re-import the day after an employment ended revokes the tokens that carried its attributes', async (t) => {
  // 1004's fixed-term employment ends today: the attribute holds until tonight.
  const jobs: Job[] = [...JOBS, { employee_number: '1004', unit_id: 'soc-eb-norr', employment_type: 'visstid', start_date: '2025-01-01', end_date: '2025-06-01' }]
  const first = await importAndWait(app, org, snapshotWithPin(jobs), 'application/json')
  await waitFor.after(first.id)
  const issued = await requestToken(app, await fk.bearer(), { type: 'employee-number', value: '1004', organisation: org })
  t.equal(issued.statusCode, 200, issued.body)
  const { payload } = await verifyAttributeToken(app, issued.json().attribute_token, 'fk')

  now = new Date(NOW.getTime() + 86_400_000)
  t.teardown(() => { now = NOW })
  const again = await importAndWait(app, org, snapshotWithPin(jobs), 'application/json')
  t.match(again.counts, { created: 0, updated: 0, ended: 0 }, 'the source reports no change')
  await waitFor.after(again.id)
  const token = await test.store.db.selectFrom('attribute_tokens').select('revoked_at').where('jti', '=', payload.jti!).executeTakeFirstOrThrow()
  t.ok(token.revoked_at, 'the token is revoked')
  const refused = await requestToken(app, await fk.bearer(), { type: 'employee-number', value: '1004', organisation: org })
  t.equal(refused.statusCode, 404, 'and no new one is issued')
})
