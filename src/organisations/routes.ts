import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { OrganisationRepository } from './repository.js'
import { ListQuery, Organisation, OrganisationInput, OrganisationList, OrgParams } from './schemas.js'
import { UnknownOrganisation } from './errors.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { actorOf } from '../audit/audit-event.js'

const TAGS: ApiTag[] = ['Organisations']

export const organisationRoutes: FastifyPluginAsyncTypebox<{ organisations: OrganisationRepository }> = async (app, { organisations }) => {
  app.put('/v1/organisations/:org', {
    config: { auth: { platform: true } },
    schema: {
      tags: TAGS,
      operationId: 'putOrganisation',
      summary: 'Create or update an organisation',
      description: 'The first call for a new municipality, region or agency: registers it under its organisation number (idempotent; a second call updates name, kind and kommunkod). Next, create an API key for its steward (`POST /v1/organisations/{org}/api-keys`).',
      params: OrgParams,
      body: OrganisationInput,
      response: { 200: documented('The organisation as updated.', Organisation), 201: documented('The organisation, created.', Organisation), '4xx': ProblemSchema }
    }
  }, async function putOrganisation (request, reply) {
    const { organisation, created } = await organisations.upsert(request.params.org, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(organisation)
  })

  app.get('/v1/organisations/:org', {
    config: { auth: { scope: 'organisation:read', orgParam: 'org' } },
    schema: {
      tags: TAGS,
      operationId: 'getOrganisation',
      summary: 'Read an organisation',
      description: 'A steward checks what is registered for their organisation.',
      params: OrgParams,
      response: { 200: documented('The organisation as stored.', Organisation), '4xx': ProblemSchema }
    }
  }, async function getOrganisation (request) {
    const organisation = await organisations.find(request.params.org)
    if (!organisation) throw UnknownOrganisation(`No organisation ${request.params.org}`)
    return organisation
  })

  app.get('/v1/organisations', {
    config: { auth: { scope: 'organisation:read' } },
    schema: {
      tags: TAGS,
      operationId: 'listOrganisations',
      summary: 'List organisations (an organisation key sees only its own)',
      description: 'Ordered by organisation number, one page at a time: pass `next_cursor` back as `cursor` until it is null.',
      querystring: ListQuery,
      response: { 200: documented('A page of organisations.', OrganisationList), '4xx': ProblemSchema }
    }
  }, async function listOrganisations (request) {
    const { limit, cursor } = request.query
    const only = request.principal?.kind === 'api-key' ? request.principal.organisation : undefined
    const rows = await organisations.list({ after: decodeCursor(cursor, cursorKey.text), limit: limit + 1, ...(only ? { only } : {}) })
    return page(rows, limit, (o) => o.number)
  })
}
