import { Type, type Static } from 'typebox'
import { TOKEN_ERROR_CODES } from './errors.js'

export const TokenRequest = Type.Object({
  grant_type: Type.String({ description: '`client_credentials`, or `urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693) to exchange an organisation IdP\'s token for an attribute token.' }),
  client_assertion_type: Type.Optional(Type.String({ description: '`urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.' })),
  client_assertion: Type.Optional(Type.String({ description: 'A JWT signed with a key the relying party registered: iss = sub = client_id; aud = the issuer as a single string, never a list (the token endpoint URL is also accepted); exp at most 5 minutes ahead; a jti never used before.' })),
  client_id: Type.Optional(Type.String({ description: 'Optional; when sent it must equal the assertion\'s iss.' })),
  scope: Type.Optional(Type.String({ description: 'Optional; `attribute-tokens` is the only scope.' })),
  subject_token: Type.Optional(Type.String({ description: 'Token exchange: a JWT (e.g. an ID token) from the identity provider an organisation registered at PUT /v1/organisations/{org}/identity-provider.' })),
  subject_token_type: Type.Optional(Type.String({ description: 'Token exchange: `urn:ietf:params:oauth:token-type:jwt` or `urn:ietf:params:oauth:token-type:id_token`.' })),
  requested_token_type: Type.Optional(Type.String({ description: 'Token exchange: `urn:ietf:params:oauth:token-type:jwt` (the attribute token); the default.' })),
  domain: Type.Optional(Type.String({ description: 'Token exchange: the catalog domain of the attribute token, as in POST /v1/attribute-tokens.' })),
  purpose: Type.Optional(Type.String({ description: 'Token exchange: the id of one of the purposes the client registered, as in POST /v1/attribute-tokens; required when it registered any (invalid_request otherwise). A purpose the organisation did not approve is refused as for a login naming no one.' }))
}, {
  additionalProperties: true,
  description: 'application/x-www-form-urlencoded token request (RFC 6749 §4.4, RFC 7523 §2.2).',
  examples: [{ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImZrLTIwMjYtMDEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJmay1zc2J0ZWsiLCJzdWIiOiJmay1zc2J0ZWsiLCJhdWQiOiJodHRwczovL2JlaG9yaWcuZXhhbXBsZS5zZSIsImlhdCI6MTc3MjQ0NDgwMCwiZXhwIjoxNzcyNDQ0OTAwLCJqdGkiOiI0ZjNjMmIxYS05ZDhlLTRhN2YtYjZjNS0xZTJkM2Y0YTViNmMifQ.Zm9yLWRvY3VtZW50YXRpb24tb25seS1ub3QtYS1yZWFsLXNpZ25hdHVyZS0wMTIzNDU2Nzg5YWJjZGVm', scope: 'attribute-tokens' }]
})
export type TokenRequest = Static<typeof TokenRequest>

export const TokenResponse = Type.Object({
  access_token: Type.String({ description: 'An RFC 9068 JWT access token (typ at+jwt) for POST /v1/attribute-tokens; in a token exchange, the attribute token (typ attribute-token+jwt), which also carries the login\'s acr and, when the subject token had it, auth_time.' }),
  token_type: Type.Enum(['Bearer', 'N_A'], { description: '`Bearer` for access tokens; `N_A` for an exchanged attribute token (RFC 8693 §2.2.1: it is not an access token).' }),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
  scope: Type.Optional(Type.String()),
  issued_token_type: Type.Optional(Type.String({ description: 'RFC 8693 token exchange only: the type of the token issued.' }))
})
export type TokenResponseBody = Static<typeof TokenResponse>

export const OAuthErrorResponse = Type.Object({
  error: Type.Enum([...TOKEN_ERROR_CODES], { description: 'RFC 6749 §5.2 error code.' }),
  error_description: Type.Optional(Type.String({ description: 'What was wrong, for the developer.' }))
}, { description: 'RFC 6749 §5.2 error response (not problem+json).' })

export const AuthorizationServerMetadata = Type.Object({
  issuer: Type.String(),
  token_endpoint: Type.String(),
  jwks_uri: Type.String(),
  grant_types_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String()),
  scopes_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  token_endpoint_auth_signing_alg_values_supported: Type.Array(Type.String()),
  service_documentation: Type.String(),
  subject_token_types_supported: Type.Array(Type.String(), { description: 'Extension member: the subject_token_type values token exchange (RFC 8693) accepts.' })
}, { additionalProperties: true, description: 'RFC 8414 authorization server metadata.' })
