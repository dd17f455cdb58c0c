import type { FastifyInstance, FastifyRequest } from 'fastify'
import cors, { type FastifyCorsOptions } from '@fastify/cors'

/**
 * The only routes a browser on another origin may read: public, uncredentialed documents a
 * verifier or catalog viewer needs. Every other route answers without CORS headers, and a
 * preflight for it gets a 404 with no allow headers.
 */
export const CORS_ROUTES = [
  '/.well-known/jwks.json',
  '/.well-known/oauth-authorization-server',
  '/status-lists/:id',
  '/v1/catalog',
  '/v1/catalog/:domain/diff',
  '/v1/catalog/:domain/:version',
  '/v1/catalog/:domain/:version/attributes/:id'
] as const

const OPEN: FastifyCorsOptions = { origin: '*', methods: ['GET'], credentials: false, maxAge: 3600 }
const CLOSED: FastifyCorsOptions = { origin: false }

export async function installCors (app: FastifyInstance): Promise<void> {
  const routes = new Set<string>(CORS_ROUTES)
  // A preflight is not routed to its target (it matches the plugin's OPTIONS * route): match its path.
  const patterns = CORS_ROUTES.map((url) => new RegExp(`^${url.replace(/\./g, '\\.').replace(/:[a-z_]+/g, '[^/]+')}$`))
  const isOpen = (request: FastifyRequest): boolean => request.method === 'OPTIONS'
    ? patterns.some((p) => p.test(request.url.split('?')[0] as string))
    : routes.has(request.routeOptions.url ?? '')
  // The plugin's preflight route is public: a refused preflight is a 404, not a 401.
  app.addHook('onRoute', function publicPreflight (route) {
    if (route.method === 'OPTIONS' && route.url.endsWith('*')) route.config = { ...route.config, auth: false }
  })
  await app.register(cors, {
    hook: 'onRequest',
    delegator: (request, callback) => { callback(null, isOpen(request as FastifyRequest) ? OPEN : CLOSED) }
  })
}
