import { Type, type TNumberOptions } from 'typebox'

/** The largest PostgreSQL `integer` (int4); a larger number in a query is an error there, not a miss. */
export const INT4_MAX = 2147483647

/** A path or query integer stored in an int4 column: bounded here, so the schema refuses what PostgreSQL would. */
export function Int4 (options: TNumberOptions = {}) {
  return Type.Integer({ minimum: 1, maximum: INT4_MAX, ...options })
}
