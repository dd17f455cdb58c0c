import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Unauthenticated } from '../http/errors.js'
import { parseApiKey, secretMatchesHash } from './secrets.js'
import { ForeignOrganisation, InsufficientScope, InvalidCredentials, PlatformAdminOnly } from './errors.js'
import type { Principal, RouteAuth } from './principal.js'
import type { Scope } from './scopes.js'

export interface ApiKeyLookup {
  findActiveKey (id: string): Promise<{ organisation: string, scopes: string[], secret_hash: string } | undefined>
}

export interface AuthOptions {
  adminTokenHash: string
  /** SHA-256 of BEHORIG_METRICS_TOKEN, when one is configured: GET /metrics takes it. */
  metricsTokenHash?: string | undefined
  apiKeys: ApiKeyLookup
  /** Verifies relying parties' access tokens, for routes declaring `auth: { relyingParty: true }`. */
  accessTokens: AccessTokenCheck
}

/** What authentication needs of an access token from /oauth/token (oauth/ verifies them): whose it is. */
export interface AccessTokenCheck {
  verify (token: string): Promise<{ clientId: string, registration: string }>
}

const WWW_AUTHENTICATE = { 'www-authenticate': 'Bearer realm="behorig"' }

/** Authenticates every route unless its config says `auth: false`; never decided by URL. */
export function installAuthentication (app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', undefined)
  app.addHook('onRequest', async function authenticate (request) {
    const auth: RouteAuth = request.routeOptions.config.auth ?? { platform: true }
    if (auth === false) return
    // Unknown routes have no config and fall through to the 404 handler unauthenticated,
    // which reveals nothing: the route table is public in openapi.yaml anyway.
    if (request.is404) return
    const principal = 'relyingParty' in auth
      ? await identifyRelyingParty(request, options)
      : 'metrics' in auth ? identifyScraper(request, options) : await identify(request, options)
    authorise(principal, auth, request.params as Record<string, string>)
    request.principal = principal
  })
}

function bearerToken (request: FastifyRequest): string {
  const header = request.headers.authorization
  if (!header) throw Unauthenticated({ detail: 'Send an Authorization: Bearer header', headers: WWW_AUTHENTICATE })
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header)
  if (!match) throw InvalidCredentials({ detail: 'The Authorization header must be "Bearer <token>"', headers: WWW_AUTHENTICATE })
  return match[1] as string
}

async function identifyRelyingParty (request: FastifyRequest, options: AuthOptions): Promise<Principal> {
  const { clientId, registration } = await options.accessTokens.verify(bearerToken(request))
  return { kind: 'relying-party', clientId, registration }
}

/** The metrics route's two credentials, each compared in constant time; no store lookup, so a scrape costs no query. */
function identifyScraper (request: FastifyRequest, options: AuthOptions): Principal {
  const token = bearerToken(request)
  if (options.metricsTokenHash !== undefined && secretMatchesHash(token, options.metricsTokenHash)) return { kind: 'metrics-scraper' }
  if (secretMatchesHash(token, options.adminTokenHash)) return { kind: 'platform-admin' }
  throw InvalidCredentials({ detail: 'GET /metrics takes the metrics token or the platform admin token', headers: WWW_AUTHENTICATE })
}

async function identify (request: FastifyRequest, options: AuthOptions): Promise<Principal> {
  const token = bearerToken(request)
  const apiKey = parseApiKey(token)
  if (apiKey) {
    const row = await options.apiKeys.findActiveKey(apiKey.id)
    if (row && secretMatchesHash(apiKey.secret, row.secret_hash)) {
      return { kind: 'api-key', keyId: apiKey.id, organisation: row.organisation, scopes: row.scopes as Scope[] }
    }
  } else if (secretMatchesHash(token, options.adminTokenHash)) {
    return { kind: 'platform-admin' }
  }
  throw InvalidCredentials({ detail: 'Unknown, revoked or mistyped token', headers: WWW_AUTHENTICATE })
}

function authorise (principal: Principal, auth: Exclude<RouteAuth, false>, params: Record<string, string>): void {
  // A relying-party route admitted its caller by access token alone (identifyRelyingParty), the metrics route by its two tokens (identifyScraper).
  if ('relyingParty' in auth || 'metrics' in auth || principal.kind !== 'api-key') return
  if ('platform' in auth) throw PlatformAdminOnly()
  if (!principal.scopes.includes(auth.scope)) {
    throw InsufficientScope({ detail: `This route needs the scope "${auth.scope}"`, extensions: { required_scope: auth.scope } })
  }
  if (auth.orgParam !== undefined && params[auth.orgParam] !== principal.organisation) {
    throw ForeignOrganisation({ detail: 'An organisation API key can only act on its own organisation' })
  }
}
