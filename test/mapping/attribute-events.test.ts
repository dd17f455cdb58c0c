import t from 'tap'
import { attributeEvents, type AttributesRevoked } from '../../src/mapping/attribute-events.js'

const event = (n: number): AttributesRevoked => ({
  organisation: '2120000142',
  domain: 'socialtjanst',
  mapping_version: 3,
  cause: { kind: 'sync', run_id: 'run-1' },
  revoked: Array.from({ length: n }, (_, i) => ({ person_id: `p-${i}`, attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-norr' }))
})

t.test('subscribers hear each revocation in the order they subscribed', async (t) => {
  const events = attributeEvents()
  const heard: string[] = []
  events.subscribe(async (e) => { heard.push(`a:${e.revoked.length}`) })
  events.subscribe(async (e) => { heard.push(`b:${e.revoked.length}`) })
  await events.emit(event(2), { error () {} })
  t.same(heard, ['a:2', 'b:2'])
})

t.test('a recompute that revoked nothing announces nothing', async (t) => {
  const events = attributeEvents()
  let calls = 0
  events.subscribe(async () => { calls++ })
  await events.emit(event(0), { error () {} })
  t.equal(calls, 0)
})

t.test('a failing subscriber is logged and does not stop the others', async (t) => {
  const events = attributeEvents()
  const logged: object[] = []
  const heard: string[] = []
  events.subscribe(async () => { throw new Error('status list unavailable') })
  events.subscribe(async (e) => { heard.push(e.revoked[0]!.person_id) })
  await events.emit(event(1), { error (o) { logged.push(o) } })
  t.same(heard, ['p-0'])
  t.match(logged, [{ organisation: '2120000142', domain: 'socialtjanst', err: { message: 'status list unavailable' } }])
})
