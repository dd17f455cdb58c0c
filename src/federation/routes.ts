import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ApiTag } from '../http/openapi-tags.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { ENTITY_CONFIGURATION_PATH, ENTITY_STATEMENT_MEDIA_TYPE } from './entity-configuration.js'
import { ENTITY_CONFIGURATION_EXAMPLE } from './federation-examples.js'

export const federationRoutes: FastifyPluginAsyncTypebox<{ entityConfiguration: () => Promise<string> }> = async (app, { entityConfiguration }) => {
  app.get(ENTITY_CONFIGURATION_PATH, {
    config: { auth: false },
    schema: {
      tags: ['Discovery'] satisfies ApiTag[],
      operationId: 'getEntityConfiguration',
      summary: 'behorig\'s Entity Configuration (OpenID Federation 1.0 §3, §9)',
      description: 'A signed JWT (`typ: entity-statement+jwt`): iss = sub = behorig\'s issuer, `jwks` (its federation keys, separate from the token keys in /.well-known/jwks.json), `metadata.oauth_authorization_server` (the RFC 8414 document), `metadata.federation_entity` and `authority_hints`. Valid for BEHORIG_FEDERATION_STATEMENT_SECONDS (a day by default); signed afresh on each request.',
      response: {
        200: { description: 'The Entity Configuration as a compact JWS.', content: { [ENTITY_STATEMENT_MEDIA_TYPE]: { schema: Type.String(), example: ENTITY_CONFIGURATION_EXAMPLE } } },
        '4xx': ProblemSchema
      }
    }
  }, async function publishEntityConfiguration (_request, reply) {
    return reply.header('cache-control', 'public, max-age=300').type(ENTITY_STATEMENT_MEDIA_TYPE).send(await entityConfiguration())
  })
}
