/**
 * Whether an error means PostgreSQL cannot be reached or is going away, as opposed to a
 * statement it refused: worth a 503 and a retry, not a 500. Looks through `cause` chains
 * and AggregateErrors (Node reports a refused dual-stack connect as one).
 */
export function isStoreUnavailable (error: unknown, seen = new Set<unknown>()): boolean {
  if (typeof error !== 'object' || error === null || seen.has(error)) return false
  seen.add(error)
  const { code, message, cause, errors } = error as { code?: unknown, message?: unknown, cause?: unknown, errors?: unknown }
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return true
  if (typeof message === 'string' && POOL_MESSAGES.some((m) => m.test(message))) return true
  return isStoreUnavailable(cause, seen) || (Array.isArray(errors) && errors.some((e) => isStoreUnavailable(e, seen)))
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED'])
/**
 * SQLSTATE class 08 (connection exception) is matched by prefix; these are the others:
 * admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down),
 * too_many_connections.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])
/** node-postgres reports these without a code. */
const POOL_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Cannot use a pool after calling end on the pool/
]
