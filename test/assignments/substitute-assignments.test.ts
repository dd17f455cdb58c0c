import t from 'tap'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { ISSUER } from '../tokens/helpers/token-app.js'
import { movableClock, substituteFlow } from './helpers/assignment-flow.js'

for (const kind of ['postgres', 'pglite'] as const) {
  const clock = movableClock()
  const test = await buildTestApp(await openTestStore(kind), { BEHORIG_ISSUER: ISSUER }, { now: clock.now })
  t.test(`on ${kind}: a substitute not in HR gets the attribute for exactly the assignment's days, and ending it early revokes the live token`, async (t) => {
    await substituteFlow(t, test, clock, `fk-${kind}`)
  })
}
