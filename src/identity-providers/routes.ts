import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { actorOf } from '../audit/audit-event.js'
import { OrgParams } from '../organisations/schemas.js'
import { IdentityProviderDocument, IdentityProviderView } from './schemas.js'
import type { IdentityProviderService } from './service.js'

const TAGS = ['organisations']
const auth = { platform: true } as const
const PATH = '/v1/organisations/:org/identity-provider'

export const identityProviderRoutes: FastifyPluginAsyncTypebox<{ identityProviders: IdentityProviderService }> = async (app, { identityProviders }) => {
  app.put(PATH, {
    config: { auth },
    schema: { tags: TAGS, summary: 'Register or replace the organisation\'s identity provider, whose tokens relying parties may exchange for attribute tokens (RFC 8693)', params: OrgParams, body: IdentityProviderDocument, response: { 200: IdentityProviderView, 201: IdentityProviderView, '4xx': ProblemSchema } }
  }, async function putIdentityProvider (request, reply) {
    const { created, view } = await identityProviders.put(request.params.org, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(view)
  })

  app.get(PATH, {
    config: { auth },
    schema: { tags: TAGS, summary: 'Read the organisation\'s identity provider', params: OrgParams, response: { 200: IdentityProviderView, '4xx': ProblemSchema } }
  }, async function getIdentityProvider (request) {
    return identityProviders.get(request.params.org)
  })

  app.delete(PATH, {
    config: { auth },
    schema: { tags: TAGS, summary: 'Remove the organisation\'s identity provider; its tokens are no longer exchanged', params: OrgParams, response: { 204: Type.Null(), '4xx': ProblemSchema } }
  }, async function deleteIdentityProvider (request, reply) {
    await identityProviders.delete(request.params.org, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
