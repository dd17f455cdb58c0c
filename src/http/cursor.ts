import { ValidationFailed } from './errors.js'

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
