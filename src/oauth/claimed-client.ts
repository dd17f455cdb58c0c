import type { FastifyReply } from 'fastify'
import { decodeJwt } from 'jose'
import type { ClaimedClientLimit } from '../http/rate-limit.js'

/** Longer claimed client ids are not ids (registered client_ids are short): treated as no claim. */
const MAX_CLAIMED_ID = 128
/**
 * An OpenID Federation entity id (an https URL) may be longer: up to the length the
 * federation resolver accepts, so a federated agency is counted by its own id.
 */
const MAX_CLAIMED_ENTITY_ID = 512

/**
 * The client_id a token request claims, unverified: the form's client_id, else the client
 * assertion's iss (RFC 7523 §3: iss = sub = client_id). Decoding is all; /oauth/token verifies.
 */
export function claimedClientId (body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const form = body as Record<string, unknown>
  let claimed: unknown = form['client_id']
  if (typeof claimed !== 'string' && typeof form['client_assertion'] === 'string') {
    try {
      const claims = decodeJwt(form['client_assertion'])
      claimed = claims.iss ?? claims.sub
    } catch { /* not a JWT: nothing claimed */ }
  }
  if (typeof claimed !== 'string' || claimed.length === 0) return undefined
  return claimed.length <= (claimed.startsWith('https://') ? MAX_CLAIMED_ENTITY_ID : MAX_CLAIMED_ID) ? claimed : undefined
}

/** The token endpoint's rate limit (its route's `config`): counted per claimed client as well as per address. */
export const TOKEN_ENDPOINT_LIMIT: ClaimedClientLimit = { clientOf: claimedClientId, refuse: refuseTokenRequest }

/** RFC 6749 §5.2's form, which OAuth clients parse; the code is §4.1.2.1's "cannot take it now". */
function refuseTokenRequest (reply: FastifyReply, retryAfter: number): FastifyReply {
  return reply.code(429)
    .headers({ 'retry-after': String(retryAfter), 'cache-control': 'no-store', pragma: 'no-cache' })
    .type('application/json')
    .send({ error: 'temporarily_unavailable', error_description: `rate limit exceeded; retry after ${retryAfter} seconds` })
}
