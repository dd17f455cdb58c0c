import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { ApiKeyInput, ApiKeyList, ApiKeyParams, CreatedApiKey } from './schemas.js'
import type { ApiKeyService } from './service.js'

const TAGS = ['api-keys']
const auth = { scope: 'api-keys:write', orgParam: 'org' } as const

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeyService }> = async (app, { apiKeys }) => {
  app.post('/v1/organisations/:org/api-keys', {
    config: { auth },
    schema: { tags: TAGS, summary: 'Create an API key (the key is shown once)', params: OrgParams, body: ApiKeyInput, response: { 201: CreatedApiKey, '4xx': ProblemSchema } }
  }, async function createApiKey (request, reply) {
    const created = await apiKeys.create(request.params.org, request.body, request.principal!)
    return reply.code(201).send(created)
  })

  app.get('/v1/organisations/:org/api-keys', {
    config: { auth },
    schema: { tags: TAGS, summary: 'List active API keys (never the secrets)', params: OrgParams, response: { 200: ApiKeyList, '4xx': ProblemSchema } }
  }, async function listApiKeys (request) {
    return { items: await apiKeys.list(request.params.org), next_cursor: null }
  })

  app.delete('/v1/organisations/:org/api-keys/:id', {
    config: { auth },
    schema: { tags: TAGS, summary: 'Revoke an API key', params: ApiKeyParams, response: { 204: Type.Null(), '4xx': ProblemSchema } }
  }, async function revokeApiKey (request, reply) {
    await apiKeys.revoke(request.params.org, request.params.id, request.principal!)
    return reply.code(204).send(null)
  })
}
