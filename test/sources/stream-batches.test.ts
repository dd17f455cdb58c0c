import { PassThrough, Readable } from 'node:stream'
import t from 'tap'
import { streamBatches } from '../../src/sources/stream-batches.js'

t.test('delivers every object, in order, in batches no larger than asked', async (t) => {
  const seen: number[] = []
  let largest = 0
  for await (const batch of streamBatches<number>(Readable.from(Array.from({ length: 1000 }, (_, i) => i)), 64)) {
    largest = Math.max(largest, batch.length)
    seen.push(...batch)
  }
  t.same(seen, Array.from({ length: 1000 }, (_, i) => i))
  t.ok(largest <= 64, `largest batch ${largest}`)
})

t.test('stops pulling from the source while the consumer is busy', async (t) => {
  let produced = 0
  const source = Readable.from((function * () { for (let i = 0; i < 100_000; i++) { produced++; yield i } })())
  // eslint-disable-next-line no-unreachable-loop -- stopping after the first batch is what is tested
  for await (const batch of streamBatches<number>(source, 10)) {
    t.ok(batch.length > 0)
    break
  }
  t.ok(produced < 1000, `only ${produced} produced before the consumer stopped`)
  t.ok(source.destroyed, 'an early stop destroys the stream')
})

t.test('passes on the stream\'s error', async (t) => {
  const stream = new PassThrough({ objectMode: true })
  stream.write(1)
  setImmediate(() => stream.destroy(new Error('broken pipe')))
  await t.rejects(async () => { for await (const _ of streamBatches(stream)) { /* drain */ } }, { message: 'broken pipe' })
})

t.test('a stream closed before its end is an error, not a silent end', async (t) => {
  const stream = new PassThrough({ objectMode: true })
  setImmediate(() => stream.destroy())
  await t.rejects(async () => { for await (const _ of streamBatches(stream)) { /* drain */ } }, { message: /closed before its end/ })
})
