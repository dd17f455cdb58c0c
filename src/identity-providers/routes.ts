import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { actorOf } from '../audit/audit-event.js'
import { OrgParams } from '../organisations/schemas.js'
import { IdentityProviderDocument, IdentityProviderList, IdentityProviderListQuery, IdentityProviderParams, IdentityProviderView, PlatformIdentityProviderDocument, PlatformIdentityProviderView } from './schemas.js'
import type { IdentityProviderService } from './service.js'

const TAGS: ApiTag[] = ['Organisations']
const PLATFORM_TAGS: ApiTag[] = ['Identity providers']
const auth = { platform: true } as const
const PATH = '/v1/organisations/:org/identity-provider'
const PLATFORM_PATH = '/v1/identity-providers'

export const identityProviderRoutes: FastifyPluginAsyncTypebox<{ identityProviders: IdentityProviderService }> = async (app, { identityProviders }) => {
  app.put(PATH, {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'putIdentityProvider',
      summary: 'Register or replace the organisation\'s identity provider',
      description: 'Optional; a shortcut for a one-organisation OIDC registration, kept as `org-{org}` among `/v1/identity-providers`. When an agency\'s e-service already has the user\'s ID token from the organisation\'s identity provider, it can exchange that token for an attribute token at `POST /oauth/token` (RFC 8693) instead of naming the person itself. This registers which issuer, keys and claim to trust.',
      params: OrgParams,
      body: IdentityProviderDocument,
      response: { 200: documented('The identity provider, replaced.', IdentityProviderView), 201: documented('The identity provider, registered.', IdentityProviderView), '4xx': ProblemSchema }
    }
  }, async function putIdentityProvider (request, reply) {
    const { created, view } = await identityProviders.putShortcut(request.params.org, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(view)
  })

  app.get(PATH, {
    config: { auth },
    schema: { tags: TAGS, operationId: 'getIdentityProvider', summary: 'Read the organisation\'s identity provider', description: 'What token exchange trusts for this organisation.', params: OrgParams, response: { 200: documented('The identity provider as stored.', IdentityProviderView), '4xx': ProblemSchema } }
  }, async function getIdentityProvider (request) {
    return identityProviders.getShortcut(request.params.org)
  })

  app.delete(PATH, {
    config: { auth },
    schema: { tags: TAGS, operationId: 'deleteIdentityProvider', summary: 'Remove the organisation\'s identity provider', description: 'Its tokens are no longer exchanged for attribute tokens; relying parties can still name people directly at `POST /v1/attribute-tokens`.', params: OrgParams, response: { 204: Type.Null({ description: 'Removed.' }), '4xx': ProblemSchema } }
  }, async function deleteIdentityProvider (request, reply) {
    await identityProviders.deleteShortcut(request.params.org, actorOf(request.principal))
    return reply.code(204).send(null)
  })

  app.get(PLATFORM_PATH, {
    config: { auth },
    schema: { tags: PLATFORM_TAGS, operationId: 'listIdentityProviders', summary: 'List identity providers', description: 'Every registration by id, SAML and OIDC, the organisation route\'s shortcuts (`org-{org}`) too; `organisation` keeps those serving it.', querystring: IdentityProviderListQuery, response: { 200: documented('One page of registrations.', IdentityProviderList), '4xx': ProblemSchema } }
  }, async function listIdentityProviders (request) {
    return identityProviders.list(request.query)
  })

  app.put(`${PLATFORM_PATH}/:id`, {
    config: { auth },
    schema: {
      tags: PLATFORM_TAGS,
      operationId: 'putPlatformIdentityProvider',
      summary: 'Register or replace an identity provider',
      description: 'A SAML 2.0 or OpenID Connect identity provider whose logins relying parties may exchange at `POST /oauth/token` (RFC 8693) for attribute tokens, serving one or several organisations. SAML metadata is read and verified now (`metadata_url` through the outbound guard); the IdP\'s signing certificates come from it.',
      params: IdentityProviderParams,
      body: PlatformIdentityProviderDocument,
      response: { 200: documented('The registration, replaced.', PlatformIdentityProviderView), 201: documented('The registration, created.', PlatformIdentityProviderView), '4xx': ProblemSchema }
    }
  }, async function putPlatformIdentityProvider (request, reply) {
    const { created, view } = await identityProviders.put(request.params.id, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(view)
  })

  app.get(`${PLATFORM_PATH}/:id`, {
    config: { auth },
    schema: { tags: PLATFORM_TAGS, operationId: 'getPlatformIdentityProvider', summary: 'Read an identity provider', description: 'The registration, and for SAML what its metadata said when last read.', params: IdentityProviderParams, response: { 200: documented('The registration.', PlatformIdentityProviderView), '4xx': ProblemSchema } }
  }, async function getPlatformIdentityProvider (request) {
    return identityProviders.get(request.params.id)
  })

  app.delete(`${PLATFORM_PATH}/:id`, {
    config: { auth },
    schema: { tags: PLATFORM_TAGS, operationId: 'deletePlatformIdentityProvider', summary: 'Remove an identity provider', description: 'Its logins are no longer exchanged for attribute tokens.', params: IdentityProviderParams, response: { 204: Type.Null({ description: 'Removed.' }), '4xx': ProblemSchema } }
  }, async function deletePlatformIdentityProvider (request, reply) {
    await identityProviders.delete(request.params.id, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
