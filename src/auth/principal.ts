import type { Scope } from './scopes.js'

export type Principal =
  | { kind: 'platform-admin' }
  | { kind: 'api-key', keyId: string, organisation: string, scopes: readonly Scope[] }
  /**
   * An agency client holding a valid access token from /oauth/token. Proven by the token's
   * signature alone: a route serving relying parties reads the party as stored now (the
   * attribute-token service does, in the statement that reads the subject) and compares its
   * generation with `registration`, so that disabling, deleting, re-registering or
   * re-keying one stops its access tokens at their next request.
   */
  | { kind: 'relying-party', clientId: string, registration: string }
  /** Whoever holds BEHORIG_METRICS_TOKEN: a Prometheus server, which reads GET /metrics and nothing else. */
  | { kind: 'metrics-scraper' }

/**
 * What a route demands, declared in its `config.auth`:
 * - `false`: public;
 * - `{ platform: true }` (also the default when a route says nothing): platform admin only;
 * - `{ scope }`: the platform admin, or an organisation key holding `scope`; with
 *   `orgParam`, the key's organisation must be the one named by that path parameter;
 * - `{ relyingParty: true }`: a relying party's access token (RFC 9068, from /oauth/token)
 *   only; neither the platform admin nor an API key gets in;
 * - `{ metrics: true }`: the metrics token (BEHORIG_METRICS_TOKEN) or the platform admin
 *   token; an API key is not a credential there.
 */
export type RouteAuth = false | { platform: true } | { scope: Scope, orgParam?: string } | { relyingParty: true } | { metrics: true }

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    principal: Principal | undefined
  }
}

export function describePrincipal (p: Principal): string {
  switch (p.kind) {
    case 'platform-admin': return 'platform-admin'
    case 'api-key': return `api-key:${p.keyId}`
    case 'relying-party': return `relying-party:${p.clientId}`
    case 'metrics-scraper': return 'metrics-scraper'
  }
}
