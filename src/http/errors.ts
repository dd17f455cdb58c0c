import { defineProblem, type ProblemError } from './problem.js'
import { isStoreUnavailable } from '../store/store-unavailable.js'

/** Problems any route can answer with. Capability-specific ones live in each capability's errors.ts. */
export const ValidationFailed = defineProblem('validation-failed', 'The request is not valid', 400)
export const Unauthenticated = defineProblem('unauthenticated', 'Authentication required', 401)
export const Forbidden = defineProblem('forbidden', 'Not allowed', 403)
export const NotFound = defineProblem('not-found', 'Not found', 404)
export const MethodNotAllowed = defineProblem('method-not-allowed', 'Method not allowed', 405)
export const NotAcceptable = defineProblem('not-acceptable', 'No acceptable representation', 406)
export const Conflict = defineProblem('conflict', 'Conflict with the current state', 409)
export const PreconditionFailed = defineProblem('precondition-failed', 'Precondition failed', 412)
export const PayloadTooLarge = defineProblem('payload-too-large', 'Request body too large', 413)
export const UnsupportedMediaType = defineProblem('unsupported-media-type', 'Unsupported media type', 415)
export const UriTooLong = defineProblem('uri-too-long', 'URI too long', 414)
export const HeaderFieldsTooLarge = defineProblem('header-fields-too-large', 'Request header fields too large', 431)
export const RequestTimeout = defineProblem('request-timeout', 'Request timeout', 408)
/** Not HTTP/1.1 Node's parser can read (a broken request line, a bad header). */
export const MalformedRequest = defineProblem('malformed-request', 'Malformed request', 400)
export const UnprocessableContent = defineProblem('unprocessable-content', 'The document is not valid', 422)
/** A rate limit was hit; `Retry-After` says when to try again (src/http/rate-limit.ts). */
export const RateLimited = defineProblem('rate-limited', 'Too many requests', 429)
export const InternalError = defineProblem('internal-error', 'Internal error', 500)
export const ServiceUnavailable = defineProblem('service-unavailable', 'Service unavailable', 503)
/** PostgreSQL is not answering (down, restarting, unreachable); `Retry-After` says when to try again. */
export const StoreUnavailable = defineProblem('store-unavailable', 'The store is not answering', 503)
/** Seconds a client is asked to wait after StoreUnavailable; a restarting PostgreSQL is back in about this. */
export const STORE_RETRY_AFTER_SECONDS = 5

/** The problem for an error that means the store cannot be reached, or undefined for any other error. */
export function storeUnavailable (error: unknown): ProblemError | undefined {
  if (!isStoreUnavailable(error)) return undefined
  return StoreUnavailable({ detail: 'The store is not answering; try again shortly.', headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) }, cause: error })
}
export const InvalidOrganisationNumber = defineProblem('invalid-organisation-number', 'Not a valid organisation number', 400)
