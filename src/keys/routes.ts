import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createHash } from 'node:crypto'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { activeJwkExample, nextJwkExample } from './key-examples.js'
import { JwksSchema, RotationResultSchema } from './schemas.js'
import type { KeyService, RotationResult } from './service.js'
import type { StoredKey } from './repository.js'
import { actorOf } from '../audit/audit-event.js'

const TAGS: ApiTag[] = ['Keys']

export const keyRoutes: FastifyPluginAsyncTypebox<{ keys: KeyService }> = async (app, { keys }) => {
  app.get('/.well-known/jwks.json', {
    config: { auth: false },
    schema: {
      tags: TAGS,
      operationId: 'getJwks',
      summary: 'Public keys that verify behorig tokens',
      description: 'Step 6 of the flow: an agency verifies an attribute token\'s signature with the key its `kid` header names. Cache it (`Cache-Control`, ETag) and fetch again on an unknown `kid`: the next key is published before it signs.',
      response: { 200: documented('The JSON Web Key Set (`application/jwk-set+json`).', JwksSchema, [{ keys: [activeJwkExample, nextJwkExample] }]), 304: { type: 'null', description: 'Not modified (If-None-Match).' }, 429: ProblemSchema }
    }
  }, async function publishJwks (request, reply) {
    const jwks = await keys.jwks()
    const etag = `"${createHash('sha256').update(JSON.stringify(jwks)).digest('base64url').slice(0, 32)}"`
    reply.header('cache-control', `public, max-age=${keys.jwksMaxAgeSeconds}`).header('etag', etag)
    if (request.headers['if-none-match'] === etag) return reply.code(304).send(null)
    return reply.type('application/jwk-set+json').send(jwks)
  })

  app.post('/v1/keys/rotate', {
    config: { auth: { platform: true } },
    schema: {
      tags: TAGS,
      operationId: 'rotateSigningKey',
      summary: 'Rotate the signing key now: the next key signs, the active key retires (published until its tokens expire)',
      description: 'Keys rotate on their own schedule; this is for when a key must go now (e.g. suspected compromise). Verifiers that fetch the JWKS on an unknown `kid` need no change.',
      response: { 200: documented('What the rotation did.', RotationResultSchema, [{ rotated: true, active: { kid: nextJwkExample.kid, alg: 'ES256', created_at: '2026-02-01T00:00:00.000Z' }, next: { kid: 'Q8vR1mZ3kT6pW9yB2nC5xF7hJ0sL4dG8aE1uI3oK6rM', alg: 'ES256', created_at: '2026-03-02T10:00:00.000Z' }, removed: [] }]), '4xx': ProblemSchema }
    }
  }, async function forceRotation (request) {
    return view(await keys.rotate({ force: true, actor: actorOf(request.principal) }))
  })
}

function view (result: RotationResult) {
  const summary = (k: StoredKey) => ({ kid: k.kid, alg: k.alg, created_at: k.createdAt.toISOString() })
  return { rotated: result.rotated, active: summary(result.active), next: summary(result.next), removed: result.removed }
}
