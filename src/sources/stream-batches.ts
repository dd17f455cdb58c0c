import type { Readable } from 'node:stream'

/**
 * Reads an object-mode stream in arrays of what has arrived, up to `size` at a time.
 * `for await` over the stream itself costs a promise per object; a JSON snapshot is
 * millions of tokens, so that was most of the reading time. Backpressure still holds:
 * the stream is paused while a full batch waits for the consumer.
 */
export async function * streamBatches<T> (stream: Readable, size = 2048): AsyncGenerator<T[]> {
  let batch: T[] = []
  let ended = false
  let failure: { error: unknown } | undefined
  let wake: (() => void) | undefined
  const notify = (): void => { wake?.(); wake = undefined }
  stream.on('data', (item: T) => {
    batch.push(item)
    if (batch.length >= size) stream.pause()
    notify()
  })
  stream.once('end', () => { ended = true; notify() })
  stream.on('error', (error) => { failure ??= { error }; notify() })
  stream.once('close', () => {
    if (!ended) failure ??= { error: new Error('the stream closed before its end') }
    notify()
  })
  try {
    for (;;) {
      if (failure) throw failure.error
      if (batch.length > 0) {
        const ready = batch
        batch = []
        yield ready
        stream.resume()
      } else if (ended) {
        return
      } else {
        await new Promise<void>((resolve) => { wake = resolve })
      }
    }
  } finally {
    stream.destroy()
  }
}
