import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { Int4 } from '../http/pg-integer.js'
import { STATUS_LIST_MEDIA_TYPE } from './status-list.js'
import type { StatusListService } from './status-list-service.js'
import { UnknownStatusList } from './errors.js'

// A Status List Token as this route serves it, for openapi.yaml (signature shortened).
const STATUS_LIST_EXAMPLE = 'eyJhbGciOiJFUzI1NiIsImtpZCI6InNqd211ekNuSU90OTJRTnZsOWVJSVZIX1NPWVUwZTNfWmZPSi1qNHNNbmMiLCJ0eXAiOiJzdGF0dXNsaXN0K2p3dCJ9.eyJzdWIiOiJodHRwczovL2JlaG9yaWcuZXhhbXBsZS5zZS9zdGF0dXMtbGlzdHMvMSIsImlhdCI6MTc3MjQ0NDgwMCwidHRsIjozMDAsInN0YXR1c19saXN0Ijp7ImJpdHMiOjEsImxzdCI6ImVOcmJ1UmdBQWhjQlhRIn19.c2lnbmF0dXJl'

const StatusListParams = Type.Object({
  id: Int4({ description: 'Status list id, as in the `uri` of a token\'s `status.status_list`.' })
})

export const statusListRoutes: FastifyPluginAsyncTypebox<{ statusLists: StatusListService }> = async (app, { statusLists }) => {
  app.get('/status-lists/:id', {
    config: { auth: false },
    schema: {
      tags: ['Status lists'] satisfies ApiTag[],
      operationId: 'getStatusList',
      summary: 'Status List Token (draft-ietf-oauth-status-list): one bit per token, 1 = revoked',
      description: 'Step 6 of the flow: an attribute token\'s `status.status_list` names this URL and its index. Verify the list\'s signature with the JWKS, then read the bit at the index: 1 means the token was revoked. Cache it for its `ttl`.',
      params: StatusListParams,
      response: {
        200: { description: 'A JWT with typ statuslist+jwt: sub (this URL), iat, exp, ttl, status_list { bits: 1, lst }.', content: { [STATUS_LIST_MEDIA_TYPE]: { schema: Type.String(), example: STATUS_LIST_EXAMPLE } } },
        '4xx': ProblemSchema
      }
    }
  }, async function publishStatusList (request, reply) {
    const token = await statusLists.token(request.params.id)
    if (!token) throw UnknownStatusList(`No status list ${request.params.id}`)
    return reply
      .header('cache-control', `public, max-age=${statusLists.ttlSeconds}`)
      .type(STATUS_LIST_MEDIA_TYPE)
      .send(token)
  })
}
