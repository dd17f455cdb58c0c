import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { documented } from '../http/openapi-response.js'
import { TOKEN_BODY_LIMIT } from '../http/body-limits.js'
import { AttributeTokenRequest, AttributeTokenResponse } from './attribute-token-schemas.js'
import type { AttributeTokenService } from './attribute-token-service.js'

export interface AttributeTokenRouteOptions {
  attributeTokens: AttributeTokenService
  /** Before issuance: a federated party whose trust chain has expired is resolved again (and disabled if it no longer resolves). */
  refreshParty?: (clientId: string) => Promise<void>
}

export const attributeTokenRoutes: FastifyPluginAsyncTypebox<AttributeTokenRouteOptions> = async (app, { attributeTokens, refreshParty }) => {
  app.post('/v1/attribute-tokens', {
    config: { auth: { relyingParty: true } },
    bodyLimit: TOKEN_BODY_LIMIT,
    schema: {
      tags: ['Attribute tokens'] satisfies ApiTag[],
      operationId: 'requestAttributeToken',
      summary: 'Issue an attribute token for one person (bearer: an access token from /oauth/token)',
      description: 'Step 5 of the flow: the agency names the person (employee number, e-mail, service identity or personnummer) and their employer, and gets a signed JWT with the attributes its release policy allows that the person holds today, and a `status` claim pointing into a status list. Every issuance is recorded as a disclosure in the organisation\'s audit log. Verify the token with `/.well-known/jwks.json`; docs/tokens.md lists its claims.',
      body: AttributeTokenRequest,
      response: { 200: documented('The attribute token. Not cached: `Cache-Control: no-store`.', AttributeTokenResponse), '4xx': ProblemSchema }
    }
  }, async function issueAttributeToken (request, reply) {
    const principal = request.principal
    // The route's auth admits relying parties only; this narrows the type.
    if (principal?.kind !== 'relying-party') throw new Error('attribute tokens need a relying-party principal')
    reply.header('cache-control', 'no-store')
    await refreshParty?.(principal.clientId)
    return attributeTokens.issue(principal, request.body)
  })
}
