/**
 * A json/jsonb column as the driver hands it over: node-postgres parses it, PGlite and a
 * value cast to text in SQL leave it a string. Either way the caller gets the value.
 */
export function jsonColumn<T> (value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T
}
