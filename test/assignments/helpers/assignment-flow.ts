// The substitute flow both stores run: an assignment to someone not in HR, released for
// exactly its days (the evaluation clock moved, never waited for), and revoked when ended early.
import type { Test } from 'tap'
import { decodeJwt } from 'jose'
import { adminHeaders, type TestApp } from '../../helpers/app.js'
import { decodeStatusList, statusAt } from '../../helpers/status-list.js'
import { approveRelyingParty } from '../../helpers/relying-party.js'
import { NOW } from '../../mapping/helpers/mapping-app.js'
import { agency, requestToken, seededOrganisation, verifyAttributeToken } from '../../tokens/helpers/token-app.js'

/** A clock the test moves: `at('2025-06-10')` is noon in Sweden that day. */
export function movableClock (): { now: () => Date, at: (day: string) => void, reset: () => void } {
  let current = NOW
  return { now: () => current, at: (day) => { current = new Date(`${day}T10:00:00Z`) }, reset: () => { current = NOW } }
}

export function substitute (serviceId: string): Record<string, unknown> {
  return {
    person: { external: { given_name: 'Vera', family_name: 'Vikarie', service_id: serviceId } },
    attribute: 'socialtjanst.eb.handlaggare',
    unit: 'soc-eb-norr',
    valid_from: '2025-06-10',
    valid_until: '2025-06-20',
    reason: 'Sommarvikariat på EB Norr',
    reference: 'delegationsbeslut 2025-12'
  }
}

export async function substituteFlow (t: Test, test: TestApp, clock: ReturnType<typeof movableClock>, clientId: string): Promise<void> {
  const { app } = test
  const org = await seededOrganisation(test)
  const fk = await agency(app, clientId, { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(app, org, fk.clientId)
  t.teardown(clock.reset)
  const created = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/assignments`, headers: adminHeaders, payload: substitute('ts-vera') })
  t.equal(created.statusCode, 201, created.body)
  const assignment = created.json()
  t.match(assignment, { attribute: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr', valid_from: '2025-06-10', valid_until: '2025-06-20', granted_by: { kind: 'platform-admin' }, ended_at: null, end_reason: null })
  const person = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${assignment.person_id as string}`, headers: adminHeaders })
  t.match(person.json(), { service_id: 'ts-vera', employments: [], attributes: [{ id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr', valid_from: '2025-06-10', valid_until: '2025-06-20', provenance: [{ assignment: assignment.id, granted_by: { kind: 'platform-admin' }, reason: 'Sommarvikariat på EB Norr' }] }] }, 'a person with no employment, holding the attribute for the range')

  const ask = async (day: string) => { clock.at(day); return requestToken(app, await fk.bearer(), { type: 'service-id', value: 'ts-vera', organisation: org }) }
  t.equal((await ask('2025-06-09')).statusCode, 404, 'refused the day before valid_from')
  const first = await ask('2025-06-10')
  t.equal(first.statusCode, 200, first.body)
  t.equal((await ask('2025-06-20')).statusCode, 200, 'released on valid_until')
  t.equal((await ask('2025-06-21')).statusCode, 404, 'refused the day after valid_until')

  const live = await ask('2025-06-12')
  const { payload } = await verifyAttributeToken(app, live.json().attribute_token, clientId)
  t.match(payload['attributes'], [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }])
  const ref = (payload['status'] as { status_list: { idx: number, uri: string } }).status_list
  const bit = async (): Promise<number> => {
    const res = await app.inject({ method: 'GET', url: new URL(ref.uri).pathname, headers: { accept: 'application/statuslist+jwt' } })
    return statusAt(decodeStatusList((decodeJwt(res.body)['status_list'] as { lst: string }).lst), ref.idx)
  }
  t.equal(await bit(), 0, 'valid when issued')
  const ended = await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/assignments/${assignment.id as string}`, headers: adminHeaders, payload: { reason: 'Ordinarie handläggare tillbaka' } })
  t.equal(ended.statusCode, 200, ended.body)
  t.match(ended.json(), { id: assignment.id, ended_by: { kind: 'platform-admin' }, end_reason: 'Ordinarie handläggare tillbaka' })
  t.ok(ended.json().ended_at)
  t.equal(await bit(), 1, 'ending it early sets the live token\'s status bit')
  t.equal((await ask('2025-06-13')).statusCode, 404, 'and no token is issued after')
  const again = await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/assignments/${assignment.id as string}`, headers: adminHeaders, payload: { reason: 'Igen' } })
  t.equal(again.statusCode, 409, 'an ended assignment stays ended')
}
