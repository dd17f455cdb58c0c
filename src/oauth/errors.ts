/**
 * OAuth 2.0 token-endpoint errors (RFC 6749 §5.2), each with the status it is answered
 * with: the one list of codes, which the error class, the documented error response
 * (schemas.ts) and every throw site use. The token endpoint answers in this form,
 * `{ "error", "error_description" }`, not problem+json, because OAuth clients parse it.
 */
const SECTION_5_2_ERRORS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  server_error: 500
} as const

export const OAUTH_ERRORS = {
  ...SECTION_5_2_ERRORS,
  // §5.2 has no code for a server that cannot answer now; §4.1.2.1 defines this one for it.
  temporarily_unavailable: 503
} as const

/** The §5.2 codes, in the order openapi.yaml documents them (temporarily_unavailable is borrowed, and a 503). */
export const TOKEN_ERROR_CODES = Object.keys(SECTION_5_2_ERRORS) as Array<keyof typeof SECTION_5_2_ERRORS>

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS

export class OAuthError extends Error {
  readonly status: number
  readonly code: OAuthErrorCode
  readonly description: string
  constructor (code: OAuthErrorCode, description: string) {
    super(`${code}: ${description}`)
    this.code = code
    this.description = description
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
