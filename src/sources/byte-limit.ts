import { SnapshotTooLarge } from './errors.js'

/**
 * Passes chunks through, failing with snapshot-too-large past `limit` bytes. Lazy (a
 * generator, not a piped stream), so nothing is read before the consumer asks for it and
 * the error surfaces in the consumer's loop.
 */
export async function * limitBytes (input: AsyncIterable<Uint8Array | string>, limit: number): AsyncGenerator<Uint8Array | string> {
  let seen = 0
  for await (const chunk of input) {
    seen += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength
    if (seen > limit) throw SnapshotTooLarge({ detail: `Snapshots may be at most ${limit} bytes (BEHORIG_IMPORT_LIMIT)` })
    yield chunk
  }
}
