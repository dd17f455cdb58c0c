import type { FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'

/**
 * Security headers for an API (OWASP REST Security Cheat Sheet): nothing here is meant to
 * be rendered, framed or loaded as a script, so the policy forbids all of it. The Swagger UI
 * under /docs sets its own, looser policy on its routes (src/http/openapi.ts, staticCSP).
 */
export async function installSecurityHeaders (app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    // Public documents (JWKS, status lists, catalog) are read cross-origin through CORS, which
    // CORP does not restrict; no-cors embedding of API responses stays same-origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    // One year, as browsers' preload lists expect; browsers obey it only on HTTPS responses.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true }
  })
}
