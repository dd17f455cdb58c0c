import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { ApiKeyInput, ApiKeyList, ApiKeyParams, CreatedApiKey } from './schemas.js'
import type { ApiKeyService } from './service.js'

const TAGS: ApiTag[] = ['API keys']
const auth = { scope: 'api-keys:write', orgParam: 'org' } as const

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeyService }> = async (app, { apiKeys }) => {
  app.post('/v1/organisations/:org/api-keys', {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'createApiKey',
      summary: 'Create an API key (the key is shown once)',
      description: 'The platform admin creates the steward\'s first key; a steward with `api-keys:write` can then create keys for integrations, never with a scope their own key lacks. A steward who registers sources, imports HR data and publishes mappings needs `organisation:read`, `sources:read`, `sources:write`, `people:read`, `mappings:read` and `mappings:write`; an HR integration needs only `sources:write`; a SCIM client only `scim`. Store `key` now: only its hash is kept. Next, register a source.',
      params: OrgParams,
      body: ApiKeyInput,
      response: { 201: documented('The key, with its secret: shown this once.', CreatedApiKey), '4xx': ProblemSchema }
    }
  }, async function createApiKey (request, reply) {
    const created = await apiKeys.create(request.params.org, request.body, request.principal!)
    return reply.code(201).send(created)
  })

  app.get('/v1/organisations/:org/api-keys', {
    config: { auth },
    schema: { tags: TAGS, operationId: 'listApiKeys', summary: 'List active API keys (never the secrets)', description: 'To review who can do what, and to find the id of a key to revoke.', params: OrgParams, response: { 200: documented('The organisation\'s active keys.', ApiKeyList), '4xx': ProblemSchema } }
  }, async function listApiKeys (request) {
    return { items: await apiKeys.list(request.params.org), next_cursor: null }
  })

  app.delete('/v1/organisations/:org/api-keys/:id', {
    config: { auth },
    schema: { tags: TAGS, operationId: 'revokeApiKey', summary: 'Revoke an API key', description: 'The key stops working at its next request.', params: ApiKeyParams, response: { 204: Type.Null({ description: 'Revoked.' }), '4xx': ProblemSchema } }
  }, async function revokeApiKey (request, reply) {
    await apiKeys.revoke(request.params.org, request.params.id, request.principal!)
    return reply.code(204).send(null)
  })
}
