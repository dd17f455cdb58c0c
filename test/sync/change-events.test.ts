import t from 'tap'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { createHrSource, csv, importAndWait, staff } from '../helpers/sync.js'
import type { PeopleChanged } from '../../src/sync/change-events.js'

const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store)
const received: PeopleChanged[] = []
app.behorig.engine.events.subscribe(async (change) => { received.push(change) })
// Subscribers hear of a run after it has committed, so a run can show succeeded a moment
// before they are called: wait for the job (which calls them) to finish.
const jobsDone = (): Promise<void> => (app.behorig.queue as unknown as { idle (): Promise<void> }).idle()

t.test('subscribers hear which people a run changed, after it committed, and of a no-change run with no one', async (t) => {
  const org = await createOrganisation()
  await createHrSource(app, org)
  const first = await importAndWait(app, org, csv(staff(4)))
  await jobsDone()
  t.equal(received.length, 1)
  t.match(received[0], { organisation: org, source: 'hr', runId: first.id })
  t.equal(received[0]!.personIds.length, 4)
  const rows = staff(4)
  rows[2] = { ...rows[2]!, title: 'Enhetschef' }
  const second = await importAndWait(app, org, csv(rows))
  await jobsDone()
  t.equal(received.length, 2)
  t.equal(received[1]!.runId, second.id)
  t.equal(received[1]!.personIds.length, 1)
  const third = await importAndWait(app, org, csv(rows))
  await jobsDone()
  t.equal(received.length, 3, 'an unchanged re-import is announced too: the calendar may have moved on')
  t.match(received[2], { organisation: org, runId: third.id, personIds: [] })
})

t.test('a failing subscriber does not undo the run', async (t) => {
  app.behorig.engine.events.subscribe(async () => { throw new Error('recompute is down') })
  const org = await createOrganisation()
  await createHrSource(app, org)
  const run = await importAndWait(app, org, csv(staff(2)))
  t.equal(run.state, 'succeeded')
  t.same((await app.behorig.engine.changedPeople(run.id)).length, 2, 'the change set stays, to be replayed')
})
