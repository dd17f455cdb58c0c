import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createHash } from 'node:crypto'
import { ProblemSchema } from '../http/problem-schema.js'
import { JwksSchema, RotationResultSchema } from './schemas.js'
import type { KeyService, RotationResult } from './service.js'
import type { StoredKey } from './repository.js'
import { actorOf } from '../audit/audit-event.js'

const TAGS = ['keys']

export const keyRoutes: FastifyPluginAsyncTypebox<{ keys: KeyService }> = async (app, { keys }) => {
  app.get('/.well-known/jwks.json', {
    config: { auth: false },
    schema: { tags: TAGS, summary: 'Public keys that verify behorig tokens', response: { 200: JwksSchema, 304: { type: 'null', description: 'Not modified (If-None-Match).' } } }
  }, async function publishJwks (request, reply) {
    const jwks = await keys.jwks()
    const etag = `"${createHash('sha256').update(JSON.stringify(jwks)).digest('base64url').slice(0, 32)}"`
    reply.header('cache-control', `public, max-age=${keys.jwksMaxAgeSeconds}`).header('etag', etag)
    if (request.headers['if-none-match'] === etag) return reply.code(304).send(null)
    return reply.type('application/jwk-set+json').send(jwks)
  })

  app.post('/v1/keys/rotate', {
    config: { auth: { platform: true } },
    schema: { tags: TAGS, summary: 'Rotate the signing key now: the next key signs, the active key retires (published until its tokens expire)', response: { 200: RotationResultSchema, '4xx': ProblemSchema } }
  }, async function forceRotation (request) {
    return view(await keys.rotate({ force: true, actor: actorOf(request.principal) }))
  })
}

function view (result: RotationResult) {
  const summary = (k: StoredKey) => ({ kid: k.kid, alg: k.alg, created_at: k.createdAt.toISOString() })
  return { rotated: result.rotated, active: summary(result.active), next: summary(result.next), removed: result.removed }
}
