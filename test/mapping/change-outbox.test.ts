// The change outbox in one process, on both stores: a change's failures (here a corrupt row) are recorded on it
// and retried when due, without holding up the changes after it; revocations a subscriber
// failed to take are emitted again.
import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { importAndWait } from '../helpers/sync.js'
import type { AttributesRevoked } from '../../src/mapping/attribute-events.js'
import { ISSUER, JOBS, seededOrganisation, snapshotWithPin } from '../tokens/helpers/token-app.js'

for (const kind of ['postgres', 'pglite'] as const) {
  const store = await openTestStore(kind)
  const test = await buildTestApp(store, { BEHORIG_ISSUER: ISSUER })
  const { behorig } = test.app
  const outbox = (org: string) => store.db.selectFrom('change_outbox').select(['id', 'stage', 'attempts', 'last_error', 'revocations'])
    .select(sql<boolean>`available_at > now()`.as('waiting')).where('organisation', '=', org).orderBy('id').execute()

  t.test(`on ${kind}: a change whose recompute fails keeps its error and waits for a retry; the changes after it go on`, async (t) => {
    const org = await seededOrganisation(test)
    const person = (await store.db.selectFrom('people').select('id').where('organisation', '=', org).where('employee_number', '=', '1001').executeTakeFirstOrThrow()).id
    await store.db.insertInto('change_outbox').values([
      { organisation: org, cause: JSON.stringify({ kind: 'recompute' }), people: JSON.stringify({ corrupt: true }), stage: 'recompute' },
      { organisation: org, cause: JSON.stringify({ kind: 'recompute' }), people: JSON.stringify([person]), stage: 'recompute' }
    ]).execute()
    t.equal(await behorig.changes.drain(), 2, 'both taken')
    const left = await outbox(org)
    t.equal(left.length, 1, 'the good change is done')
    t.match(left[0], { stage: 'recompute', attempts: 1, last_error: /iterable/, waiting: true }, 'the bad one keeps its error and backs off')
    t.equal(await behorig.changes.drain(), 0, 'not due yet: a drain leaves it')
    await store.db.updateTable('change_outbox').set({ available_at: new Date(0) }).where('organisation', '=', org).execute()
    t.equal(await behorig.changes.drain(), 1, 'due again: tried again')
    t.match((await outbox(org))[0], { attempts: 2 }, 'and counted')
    await store.db.deleteFrom('change_outbox').where('organisation', '=', org).execute()
  })

  t.test(`on ${kind}: revocations a subscriber failed to take stay owed and are emitted again when due`, async (t) => {
    const org = await seededOrganisation(test, 'Revokekommun')
    let down = true
    const heard: AttributesRevoked[] = []
    behorig.mappings.events.subscribe(async (event) => {
      if (event.organisation !== org) return
      if (down) throw new Error('the subscriber is down')
      heard.push(event)
    })
    const moved = JOBS.map((j) => j.employee_number === '1001' ? { ...j, position_code: '521010', title: 'Undersköterska' } : j)
    const run = await importAndWait(test.app, org, snapshotWithPin(moved), 'application/json')
    t.equal(run.state, 'succeeded')
    await (behorig.queue as unknown as { idle (): Promise<void> }).idle()
    const owed = await outbox(org)
    t.match(owed, [{ stage: 'revoke', attempts: 1, last_error: 'a revocation subscriber failed', waiting: true }], 'recomputed; its revocation is owed')
    t.match(owed[0]!.revocations, [{ organisation: org, cause: { kind: 'sync', run_id: run.id }, revoked: [{ attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr' }] }])
    down = false
    t.equal(await behorig.changes.drain(), 0, 'not due yet')
    await store.db.updateTable('change_outbox').set({ available_at: new Date(0) }).where('organisation', '=', org).execute()
    t.equal(await behorig.changes.drain(), 1)
    t.match(heard, [{ cause: { kind: 'sync', run_id: run.id }, revoked: [{ attribute_id: 'socialtjanst.eb.handlaggare' }] }], 'emitted again')
    t.same(await outbox(org), [], 'and the change is done')
  })
}
