import { Transform, type Readable } from 'node:stream'
import { SnapshotTooLarge } from './errors.js'

/** Passes a stream through, failing it with snapshot-too-large past `limit` bytes. */
export function limitBytes (input: Readable, limit: number): Readable {
  let seen = 0
  const guard = new Transform({
    transform (chunk: Buffer, _enc, done) {
      seen += chunk.length
      if (seen > limit) done(SnapshotTooLarge({ detail: `Snapshots may be at most ${limit} bytes (BEHORIG_IMPORT_LIMIT)` }))
      else done(null, chunk)
    }
  })
  input.on('error', (err) => guard.destroy(err))
  return input.pipe(guard)
}
