import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { SourceDocument, SourceList, SourceParams, SourceView } from './schemas.js'
import type { SourceService } from './service.js'
import { actorOf } from '../audit/audit-event.js'

const TAGS = ['sources']
const read = { scope: 'sources:read', orgParam: 'org' } as const
const write = { scope: 'sources:write', orgParam: 'org' } as const

export const sourceRoutes: FastifyPluginAsyncTypebox<{ sources: SourceService }> = async (app, { sources }) => {
  app.post('/v1/organisations/:org/sources', {
    config: { auth: write },
    schema: { tags: TAGS, summary: 'Register a source', params: OrgParams, body: SourceDocument, response: { 201: SourceView, '4xx': ProblemSchema } }
  }, async function createSource (request, reply) {
    return reply.code(201).send(await sources.create(request.params.org, request.body, actorOf(request.principal)))
  })

  app.get('/v1/organisations/:org/sources', {
    config: { auth: read },
    schema: { tags: TAGS, summary: 'List sources (secrets never shown)', params: OrgParams, response: { 200: SourceList, '4xx': ProblemSchema } }
  }, async function listSources (request) {
    return { items: await sources.list(request.params.org), next_cursor: null }
  })

  app.get('/v1/organisations/:org/sources/:id', {
    config: { auth: read },
    schema: { tags: TAGS, summary: 'Read a source (secrets never shown)', params: SourceParams, response: { 200: SourceView, '4xx': ProblemSchema } }
  }, async function getSource (request) {
    return sources.get(request.params.org, request.params.id)
  })

  app.put('/v1/organisations/:org/sources/:id', {
    config: { auth: write },
    schema: { tags: TAGS, summary: 'Replace a source\'s config (omitted secrets keep their stored values)', params: SourceParams, body: SourceDocument, response: { 200: SourceView, '4xx': ProblemSchema } }
  }, async function replaceSource (request) {
    return sources.replace(request.params.org, request.params.id, request.body, actorOf(request.principal))
  })

  app.delete('/v1/organisations/:org/sources/:id', {
    config: { auth: write },
    schema: { tags: TAGS, summary: 'Delete a source, its schedule and its runs', params: SourceParams, response: { 204: Type.Null(), '4xx': ProblemSchema } }
  }, async function deleteSource (request, reply) {
    await sources.delete(request.params.org, request.params.id, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
