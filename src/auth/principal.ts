import type { Scope } from './scopes.js'

export type Principal =
  | { kind: 'platform-admin' }
  | { kind: 'api-key', keyId: string, organisation: string, scopes: readonly Scope[] }

/**
 * What a route demands, declared in its `config.auth`:
 * - `false`: public;
 * - `{ platform: true }` (also the default when a route says nothing): platform admin only;
 * - `{ scope }`: the platform admin, or an organisation key holding `scope`; with
 *   `orgParam`, the key's organisation must be the one named by that path parameter.
 */
export type RouteAuth = false | { platform: true } | { scope: Scope, orgParam?: string }

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    principal: Principal | undefined
  }
}

export function describePrincipal (p: Principal): string {
  return p.kind === 'platform-admin' ? 'platform-admin' : `api-key:${p.keyId}`
}
