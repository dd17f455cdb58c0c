import { ASSERTION_ALGS } from './client-assertion.js'
import { ATTRIBUTE_TOKEN_SCOPE } from './access-token.js'

export const TOKEN_ENDPOINT_PATH = '/oauth/token'

export const tokenEndpointOf = (issuer: string): string => issuer + TOKEN_ENDPOINT_PATH

/**
 * RFC 8414 §2 authorization server metadata; the grant types are those /oauth/token has
 * handlers for, the subject token types those token exchange has verifiers for.
 */
export function authorizationServerMetadata (issuer: string, grantTypes: Iterable<string>, subjectTokenTypes: Iterable<string>) {
  return {
    issuer,
    token_endpoint: tokenEndpointOf(issuer),
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: [...grantTypes],
    // No authorization endpoint: no response types (the member is required, RFC 8414 §2).
    response_types_supported: [] as string[],
    scopes_supported: [ATTRIBUTE_TOKEN_SCOPE],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    service_documentation: `${issuer}/docs`,
    // An extension member (RFC 8414 §2 allows them): RFC 8693 registers none that says which subject_token_type values are accepted.
    subject_token_types_supported: [...subjectTokenTypes]
  }
}
