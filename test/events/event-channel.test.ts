import t from 'tap'
import { eventChannel } from '../../src/events/event-channel.js'

interface Ping { id: string, size: number }
const channel = () => eventChannel<Ping>({ failure: 'a ping subscriber failed', describe: (e) => ({ ping: e.id }), skip: (e) => e.size === 0 })

t.test('subscribers are awaited one after another, in the order they subscribed', async (t) => {
  const events = channel()
  const heard: string[] = []
  events.subscribe(async (e) => { await new Promise((resolve) => setTimeout(resolve, 5)); heard.push(`slow:${e.id}`) })
  events.subscribe(async (e) => { heard.push(`fast:${e.id}`) })
  await events.emit({ id: 'a', size: 1 }, { error () {} })
  t.same(heard, ['slow:a', 'fast:a'])
})

t.test('an event the channel skips reaches no subscriber', async (t) => {
  const events = channel()
  let calls = 0
  events.subscribe(async () => { calls++ })
  await events.emit({ id: 'a', size: 0 }, { error () {} })
  t.equal(calls, 0)
})

t.test('a failing subscriber is logged with what the channel names of the event, and the rest still hear it', async (t) => {
  const events = channel()
  const logged: Array<{ o: object, m: string }> = []
  const heard: string[] = []
  events.subscribe(async () => { throw new Error('down') })
  events.subscribe(async (e) => { heard.push(e.id) })
  await events.emit({ id: 'b', size: 2 }, { error (o, m) { logged.push({ o, m }) } })
  t.same(heard, ['b'])
  t.match(logged, [{ o: { ping: 'b', err: { message: 'down' } }, m: 'a ping subscriber failed' }])
})
