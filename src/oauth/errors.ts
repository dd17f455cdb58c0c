import { defineProblem } from '../http/problem.js'

/**
 * OAuth 2.0 token-endpoint errors (RFC 6749 §5.2). The token endpoint answers in this
 * form, `{ "error", "error_description" }`, not problem+json, because OAuth clients parse it.
 */
export const OAUTH_ERRORS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  server_error: 500,
  // §5.2 has no code for a server that cannot answer now; §4.1.2.1 defines this one for it.
  temporarily_unavailable: 503
} as const

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS

export class OAuthError extends Error {
  readonly status: number
  constructor (readonly code: OAuthErrorCode, readonly description: string) {
    super(`${code}: ${description}`)
    this.name = 'OAuthError'
    this.status = OAUTH_ERRORS[code]
  }

  toJSON (): { error: OAuthErrorCode, error_description: string } {
    return { error: this.code, error_description: this.description }
  }
}

export const invalidRequest = (description: string): OAuthError => new OAuthError('invalid_request', description)
export const invalidClient = (description: string): OAuthError => new OAuthError('invalid_client', description)
/**
 * Token exchange: a subject_token that is invalid, or unacceptable by policy. RFC 8693
 * §2.2.2 says this MUST be `invalid_request`, not RFC 6749's `invalid_grant`.
 */
export const invalidSubjectToken = (description: string): OAuthError => new OAuthError('invalid_request', description)
export const unsupportedGrantType = (description: string): OAuthError => new OAuthError('unsupported_grant_type', description)
export const invalidScope = (description: string): OAuthError => new OAuthError('invalid_scope', description)


/**
 * A bearer access token (from /oauth/token) that is malformed, not signed by behorig,
 * expired, for another resource, or whose relying party is now disabled or deleted.
 * RFC 6750 §3.1 `invalid_token`, rendered as a problem on the API routes that take it.
 */
export const InvalidAccessToken = defineProblem('invalid-access-token', 'The access token is not valid', 401)
