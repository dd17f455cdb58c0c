import type { Readable } from 'node:stream'
import { UnsupportedMediaType } from '../http/errors.js'
import { readHrCsv } from './hr-csv-reader.js'
import { readHrJson } from './hr-json-reader.js'
import type { SourceItem } from './source-records.js'
import { decodeUtf8 } from './utf8-text-decoder.js'

export type HrSnapshotFormat = 'csv' | 'json'

export const HR_SNAPSHOT_MEDIA_TYPES: Record<HrSnapshotFormat, string> = { csv: 'text/csv', json: 'application/json' }

/**
 * The snapshot format a Content-Type names: text/csv or application/json, UTF-8 (a
 * charset parameter, if any, must say so). Anything else is refused with 415 before a
 * byte is read, so a route can call this before it queues a run.
 */
export function hrSnapshotFormat (contentType: string | undefined): HrSnapshotFormat {
  const [type = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase())
  const format = (Object.keys(HR_SNAPSHOT_MEDIA_TYPES) as HrSnapshotFormat[]).find((f) => HR_SNAPSHOT_MEDIA_TYPES[f] === type)
  if (!format) {
    throw UnsupportedMediaType(`An HR snapshot is text/csv or application/json, not ${type || 'unlabelled'}.`)
  }
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '')
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw UnsupportedMediaType(`An HR snapshot must be UTF-8, not ${charset}.`)
  }
  return format
}

/**
 * Reads a full HR snapshot as a stream of units, employments and quarantined records.
 * Records are checked one by one (schemas/hr-*.schema.json plus personnummer and date
 * rules); the checks that need the whole snapshot are SnapshotChecker's. Throws
 * (synchronously) 415 for a media type it does not read, and during iteration
 * hr-snapshot-unreadable / hr-snapshot-header-invalid when the file as a whole is
 * unusable — possibly after items were yielded, so stage until the iteration completes.
 */
export function readHrSnapshot (input: AsyncIterable<Uint8Array | string> | Readable, contentType: string): AsyncIterable<SourceItem> {
  const format = hrSnapshotFormat(contentType)
  const text = decodeUtf8(input)
  return format === 'csv' ? readHrCsv(text) : readHrJson(text)
}
