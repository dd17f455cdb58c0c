import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { actorOf } from '../audit/audit-event.js'
import { OrgParams } from '../organisations/schemas.js'
import { IdentityProviderDocument, IdentityProviderView } from './schemas.js'
import type { IdentityProviderService } from './service.js'

const TAGS: ApiTag[] = ['Organisations']
const auth = { platform: true } as const
const PATH = '/v1/organisations/:org/identity-provider'

export const identityProviderRoutes: FastifyPluginAsyncTypebox<{ identityProviders: IdentityProviderService }> = async (app, { identityProviders }) => {
  app.put(PATH, {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'putIdentityProvider',
      summary: 'Register or replace the organisation\'s identity provider',
      description: 'Optional. When an agency\'s e-service already has the user\'s ID token from the organisation\'s identity provider, it can exchange that token for an attribute token at `POST /oauth/token` (RFC 8693) instead of naming the person itself. This registers which issuer, keys and claim to trust.',
      params: OrgParams,
      body: IdentityProviderDocument,
      response: { 200: documented('The identity provider, replaced.', IdentityProviderView), 201: documented('The identity provider, registered.', IdentityProviderView), '4xx': ProblemSchema }
    }
  }, async function putIdentityProvider (request, reply) {
    const { created, view } = await identityProviders.put(request.params.org, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(view)
  })

  app.get(PATH, {
    config: { auth },
    schema: { tags: TAGS, operationId: 'getIdentityProvider', summary: 'Read the organisation\'s identity provider', description: 'What token exchange trusts for this organisation.', params: OrgParams, response: { 200: documented('The identity provider as stored.', IdentityProviderView), '4xx': ProblemSchema } }
  }, async function getIdentityProvider (request) {
    return identityProviders.get(request.params.org)
  })

  app.delete(PATH, {
    config: { auth },
    schema: { tags: TAGS, operationId: 'deleteIdentityProvider', summary: 'Remove the organisation\'s identity provider', description: 'Its tokens are no longer exchanged for attribute tokens; relying parties can still name people directly at `POST /v1/attribute-tokens`.', params: OrgParams, response: { 204: Type.Null({ description: 'Removed.' }), '4xx': ProblemSchema } }
  }, async function deleteIdentityProvider (request, reply) {
    await identityProviders.delete(request.params.org, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
