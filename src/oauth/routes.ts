import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import { OAuthError, invalidRequest, unsupportedGrantType } from './errors.js'
import type { Grants } from './grants.js'
import { authorizationServerMetadata, TOKEN_ENDPOINT_PATH } from './metadata.js'
import { AuthorizationServerMetadata, OAuthErrorResponse, TokenRequest, TokenResponse } from './schemas.js'
import type { ClientCredentials } from './client-assertion.js'
import { STORE_RETRY_AFTER_SECONDS, storeUnavailable } from '../http/errors.js'

const TAGS = ['oauth']
const FORM = 'application/x-www-form-urlencoded'
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }

export interface OAuthRouteOptions {
  issuer: string
  authenticateClient (form: ClientCredentials): Promise<StoredRelyingParty>
  grants: Grants
}

export const oauthRoutes: FastifyPluginAsyncTypebox<OAuthRouteOptions> = async (app, { issuer, authenticateClient, grants }) => {
  // This plugin is encapsulated: the form parser and the RFC 6749 error format stay here.
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 65_536 }, parseForm)
  app.setErrorHandler(renderOAuthError)

  app.post(TOKEN_ENDPOINT_PATH, {
    config: { auth: false },
    schema: { tags: TAGS, summary: 'Token endpoint: client credentials with private_key_jwt (RFC 6749 §4.4, RFC 7523)', consumes: [FORM], body: TokenRequest, response: { 200: TokenResponse, '4xx': OAuthErrorResponse } }
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
    schema: { tags: TAGS, summary: 'Authorization server metadata (RFC 8414)', response: { 200: AuthorizationServerMetadata } }
  }, async function metadata (_request, reply) {
    reply.header('cache-control', 'public, max-age=3600')
    return { ...authorizationServerMetadata(issuer), grant_types_supported: [...grants.keys()] }
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
