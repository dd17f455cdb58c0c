import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { SourceDocument, SourceList, SourceParams, SourceView } from './schemas.js'
import { actorOf } from '../audit/audit-event.js'
import { snapshotImportRoutes, type SnapshotImportRouteOptions } from './snapshot-import-routes.js'

const TAGS: ApiTag[] = ['Sources & sync']
const read = { scope: 'sources:read', orgParam: 'org' } as const
const write = { scope: 'sources:write', orgParam: 'org' } as const

/** `importSnapshot` takes snapshot uploads (the sync engine's, passed in by app.ts). */
export const sourceRoutes: FastifyPluginAsyncTypebox<SnapshotImportRouteOptions> = async (app, { sources, importSnapshot, importLimitBytes }) => {
  app.post('/v1/organisations/:org/sources', {
    config: { auth: write },
    schema: {
      tags: TAGS,
      operationId: 'createSource',
      summary: 'Register a source',
      description: 'Step 2 of the flow: where the organisation\'s people come from. An `hr` source takes snapshot uploads (`POST …/sources/{id}/imports`) or pulls `config.url` on its schedule; an `ldap` source reads a directory for groups and accounts; a `scim` source is pushed to at `/scim/v2/{org}`. Secret members (passwords, tokens, headers) are stored encrypted and never returned.',
      params: OrgParams,
      body: SourceDocument,
      response: { 201: documented('The source as stored, secrets left out.', SourceView), '4xx': ProblemSchema }
    }
  }, async function createSource (request, reply) {
    return reply.code(201).send(await sources.create(request.params.org, request.body, actorOf(request.principal)))
  })

  app.get('/v1/organisations/:org/sources', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'listSources', summary: 'List sources (secrets never shown)', description: 'Every source of the organisation with its schedule and next pull.', params: OrgParams, response: { 200: documented('The organisation\'s sources.', SourceList), '4xx': ProblemSchema } }
  }, async function listSources (request) {
    return { items: await sources.list(request.params.org), next_cursor: null }
  })

  app.get('/v1/organisations/:org/sources/:id', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'getSource', summary: 'Read a source (secrets never shown)', description: '`secrets_configured` tells which secret members have a value, never the values.', params: SourceParams, response: { 200: documented('The source as stored.', SourceView), '4xx': ProblemSchema } }
  }, async function getSource (request) {
    return sources.get(request.params.org, request.params.id)
  })

  app.put('/v1/organisations/:org/sources/:id', {
    config: { auth: write },
    schema: { tags: TAGS, operationId: 'replaceSource', summary: 'Replace a source\'s config (omitted secrets keep their stored values)', description: 'Send the whole config; secret members left out keep their stored values unless the destination they are bound to changes.', params: SourceParams, body: SourceDocument, response: { 200: documented('The source as now stored.', SourceView), '4xx': ProblemSchema } }
  }, async function replaceSource (request) {
    return sources.replace(request.params.org, request.params.id, request.body, actorOf(request.principal))
  })

  app.delete('/v1/organisations/:org/sources/:id', {
    config: { auth: write },
    schema: { tags: TAGS, operationId: 'deleteSource', summary: 'Delete a source, its schedule and its runs', description: 'Stops its schedule and removes its sync runs.', params: SourceParams, response: { 204: Type.Null({ description: 'Deleted.' }), '4xx': ProblemSchema } }
  }, async function deleteSource (request, reply) {
    await sources.delete(request.params.org, request.params.id, actorOf(request.principal))
    return reply.code(204).send(null)
  })

  // Its own plugin: uploads are streamed, so it takes its own content-type parsers.
  await app.register(snapshotImportRoutes, { sources, importSnapshot, importLimitBytes })
}
