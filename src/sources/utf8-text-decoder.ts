import { TextDecoder } from 'node:util'
import { HrSnapshotUnreadable } from './errors.js'

/**
 * Decodes a byte stream as UTF-8, chunk by chunk, dropping a leading byte-order mark.
 * Refuses what is not UTF-8 text — a Windows-1252 export, UTF-16, a spreadsheet or
 * archive — instead of letting å, ä and ö turn into replacement characters.
 */
export async function * decodeUtf8 (input: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let offset = 0
  let first = true
  for await (const chunk of input) {
    let text: string
    if (typeof chunk === 'string') {
      text = first && chunk.startsWith('\uFEFF') ? chunk.slice(1) : chunk
    } else {
      text = decode(decoder, chunk, true, offset)
      offset += chunk.byteLength
    }
    if (text.length === 0) continue
    first = false
    if (text.includes('\u0000')) throw notText('it contains NUL characters (UTF-16 or binary data?)')
    yield text
  }
  const rest = decode(decoder, undefined, false, offset)
  if (rest.length > 0) yield rest
}

function decode (decoder: TextDecoder, chunk: Uint8Array | undefined, stream: boolean, offset: number): string {
  try {
    return decoder.decode(chunk, { stream })
  } catch {
    throw notText(`it is not valid UTF-8 (at or after byte ${offset}); export it as UTF-8, e.g. Excel's "CSV UTF-8"`)
  }
}

function notText (why: string): Error {
  return HrSnapshotUnreadable({ detail: `The snapshot is not text: ${why}.`, errors: [{ pointer: '', detail: why }] })
}
