import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { AttributeTokenRequest, AttributeTokenResponse } from './attribute-token-schemas.js'
import type { AttributeTokenService } from './attribute-token-service.js'

export const attributeTokenRoutes: FastifyPluginAsyncTypebox<{ attributeTokens: AttributeTokenService }> = async (app, { attributeTokens }) => {
  app.post('/v1/attribute-tokens', {
    config: { auth: { relyingParty: true } },
    schema: {
      tags: ['tokens'],
      summary: 'Issue an attribute token for one person (bearer: an access token from /oauth/token)',
      body: AttributeTokenRequest,
      response: { 200: AttributeTokenResponse, '4xx': ProblemSchema }
    }
  }, async function issueAttributeToken (request, reply) {
    const principal = request.principal
    // The route's auth admits relying parties only; this narrows the type.
    if (principal?.kind !== 'relying-party') throw new Error('attribute tokens need a relying-party principal')
    reply.header('cache-control', 'no-store')
    return attributeTokens.issue(principal, request.body)
  })
}
