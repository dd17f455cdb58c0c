import { Type } from 'typebox'
import { ValidationFailed } from './errors.js'
import { INT4_MAX } from './pg-integer.js'

const CURSOR_MAX_LENGTH = 200

/**
 * The `cursor` query parameter of every list: base64url (RFC 4648 §5) only, so a crafted
 * one is refused by the schema with a pointer at /cursor before any decoding.
 */
export const Cursor = Type.String({
  pattern: '^[A-Za-z0-9_-]+$',
  maxLength: CURSOR_MAX_LENGTH,
  description: 'Opaque cursor from the previous page\'s next_cursor.'
})

/**
 * What a list's cursor may hold: the sort key of the row it stopped at. Each kind admits
 * only values its column can compare with, so a cursor never reaches PostgreSQL as a value
 * it rejects (an int4 out of range, a fraction, NUL in text).
 */
export const cursorKey = {
  /** An int4 column (mapping version, quarantine seq). */
  int4: (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= INT4_MAX,
  /** A bigint sequence from 1 (audit seq, checkpoint id); JSON numbers stay exact to 2^53. */
  sequence: (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0,
  /** A text key (ids, organisation numbers, client ids). */
  text: (v: unknown): v is string => typeof v === 'string' && v.length <= CURSOR_MAX_LENGTH && !v.includes('\u0000')
}

/** Opaque list cursors: base64url JSON of the last item's sort key. */
export function encodeCursor (key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

export function decodeCursor<T> (cursor: string | undefined, isValid: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (isValid(value)) return value
  } catch { /* fall through to the problem below */ }
  throw ValidationFailed({ detail: 'The cursor is not one this list returned', errors: [{ pointer: '/cursor', detail: 'unknown cursor', location: 'query' }] })
}

/** Slices one extra row off a `limit + 1` query into `{ items, next_cursor }`. */
export function page<T> (rows: T[], limit: number, keyOf: (item: T) => unknown): { items: T[], next_cursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}
