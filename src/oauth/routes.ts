import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import { OAuthError, invalidRequest, unsupportedGrantType } from './errors.js'
import type { Grants } from './grants.js'
import { authorizationServerMetadata, TOKEN_ENDPOINT_PATH } from './metadata.js'
import { AuthorizationServerMetadata, OAuthErrorResponse, TokenRequest, TokenResponse } from './schemas.js'
import type { ClientCredentials } from './client-assertion.js'
import { STORE_RETRY_AFTER_SECONDS, storeUnavailable } from '../http/errors.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { TOKEN_ENDPOINT_BODY_LIMIT } from '../http/body-limits.js'
import { TOKEN_ENDPOINT_LIMIT } from './claimed-client.js'

const FORM = 'application/x-www-form-urlencoded'
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }

export interface OAuthRouteOptions {
  issuer: string
  authenticateClient (form: ClientCredentials): Promise<StoredRelyingParty>
  grants: Grants
  /** The subject_token_type values token exchange accepts, for the metadata. */
  subjectTokenTypes: readonly string[]
}

export const oauthRoutes: FastifyPluginAsyncTypebox<OAuthRouteOptions> = async (app, { issuer, authenticateClient, grants, subjectTokenTypes }) => {
  // This plugin is encapsulated: the form parser and the RFC 6749 error format stay here.
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: TOKEN_ENDPOINT_BODY_LIMIT }, parseForm)
  app.setErrorHandler(renderOAuthError)

  app.post(TOKEN_ENDPOINT_PATH, {
    config: { auth: false, claimedClientLimit: TOKEN_ENDPOINT_LIMIT },
    bodyLimit: TOKEN_ENDPOINT_BODY_LIMIT,
    schema: {
      tags: ['OAuth'] satisfies ApiTag[],
      operationId: 'requestAccessToken',
      summary: 'Token endpoint: client credentials with private_key_jwt (RFC 6749 §4.4, RFC 7523)',
      description: 'Step 5 of the flow, for a registered relying party. Sign a client assertion with the private key whose public half you registered (iss = sub = client_id, aud = the issuer, a fresh jti, exp within 5 minutes) and send it with `grant_type=client_credentials`; the access token is the bearer for `POST /v1/attribute-tokens`. With token exchange (RFC 8693) the answer is an attribute token directly. Errors are RFC 6749 §5.2 JSON, not problem+json.',
      consumes: [FORM],
      body: TokenRequest,
      response: {
        200: documented('The access token (or, for token exchange, the attribute token). Not cached: `Cache-Control: no-store`.', TokenResponse, [{ access_token: 'eyJhbGciOiJFUzI1NiIsImtpZCI6InNqd211ekNuSU90OTJRTnZsOWVJSVZIX1NPWVUwZTNfWmZPSi1qNHNNbmMiLCJ0eXAiOiJhdCtqd3QifQ.eyJpc3MiOiJodHRwczovL2JlaG9yaWcuZXhhbXBsZS5zZSIsInN1YiI6ImZrLXNzYnRlayIsImNsaWVudF9pZCI6ImZrLXNzYnRlayJ9.c2lnbmF0dXJl', token_type: 'Bearer', expires_in: 300, scope: 'attribute-tokens' }]),
        '4xx': documented('An OAuth error (RFC 6749 §5.2): invalid_client when the assertion does not verify, invalid_grant, unsupported_grant_type, invalid_request.', OAuthErrorResponse)
      }
    }
  }, async function token (request, reply) {
    reply.headers(NO_STORE)
    if (!request.headers['content-type']?.toLowerCase().startsWith(FORM)) throw invalidRequest(`send the request as ${FORM}`)
    const grant = grants.get(request.body.grant_type)
    if (!grant) throw unsupportedGrantType(`grant_type must be one of: ${[...grants.keys()].join(', ')}`)
    const client = await authenticateClient(request.body)
    return grant(request.body, client)
  })

  app.get('/.well-known/oauth-authorization-server', {
    config: { auth: false },
    schema: {
      tags: ['Discovery'] satisfies ApiTag[],
      operationId: 'getAuthorizationServerMetadata',
      summary: 'Authorization server metadata (RFC 8414)',
      description: 'Where an agency\'s client library starts: the issuer, the token endpoint, the JWKS, the grants, the client authentication and the subject token types it accepts.',
      response: { 200: documented('The metadata.', AuthorizationServerMetadata, [authorizationServerMetadata(issuer, grants.keys(), subjectTokenTypes)]) }
    }
  }, async function metadata (_request, reply) {
    reply.header('cache-control', 'public, max-age=3600')
    return authorizationServerMetadata(issuer, grants.keys(), subjectTokenTypes)
  })
}

/** RFC 6749 §3.2: a request parameter must not appear twice. */
function parseForm (_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const form: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(body.toString())) {
    // hasOwn, not `in`: `constructor` or `toString` is an unknown parameter to ignore (RFC 6749 §3.2), not a repeat.
    if (Object.hasOwn(form, name)) { done(invalidRequest(`parameter ${name} appears more than once`)); return }
    form[name] = value
  }
  done(null, form)
}

function renderOAuthError (error: FastifyError | OAuthError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const unavailable = storeUnavailable(error)
  if (unavailable) reply.headers(unavailable.headers ?? {})
  const oauth = error instanceof OAuthError
    ? error
    : unavailable
      ? new OAuthError('temporarily_unavailable', `the service cannot take the request now; retry after ${STORE_RETRY_AFTER_SECONDS} seconds`)
      : error.validation
        ? invalidRequest(`missing or malformed parameter ${parameterOf(error)}`)
        : (error.statusCode ?? 500) < 500
            ? invalidRequest(error.message)
            : new OAuthError('server_error', 'an unexpected error occurred; it has been logged')
  if (oauth.status >= 500) request.log.error({ err: error }, 'token request failed')
  return reply.code(oauth.status).headers(NO_STORE).type('application/json').send(oauth.toJSON())
}

function parameterOf (error: FastifyError): string {
  const first = error.validation?.[0]
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty
  return missing ?? first?.instancePath.replace(/^\//, '') ?? ''
}
