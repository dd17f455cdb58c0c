import { defineProblem } from '../http/problem.js'

/** No status list has this id. */
export const UnknownStatusList = defineProblem('unknown-status-list', 'No such status list', 404)

/** A status was set for an index that its list never handed out. */
export const UnknownStatusIndex = defineProblem('unknown-status-index', 'No such status-list index', 404)

/**
 * No attribute token for this subject: unknown to the organisation, in an organisation the
 * policy does not cover, or holding nothing the policy releases — one answer for all three,
 * so a relying party learns nothing about who works where beyond what it may receive.
 */
export const SubjectNotFound = defineProblem('subject-not-found', 'No releasable attributes for this subject', 404)

/** The relying party is disabled: it gets no attribute token, even with a live access token. */
export const RelyingPartyDisabled = defineProblem('relying-party-disabled', 'The relying party is disabled', 403)

/**
 * A bearer access token (from /oauth/token) that is malformed, not signed by behorig,
 * expired, for another resource, or whose relying party is now disabled or deleted.
 * RFC 6750 §3.1 `invalid_token`, rendered as a problem on the API routes that take it:
 * declared here, beside the attribute-token endpoint that refuses it, so the token
 * endpoint's verifier (oauth/) and issuance (tokens/) share it without tokens/ importing oauth/.
 */
export const InvalidAccessToken = defineProblem('invalid-access-token', 'The access token is not valid', 401)
