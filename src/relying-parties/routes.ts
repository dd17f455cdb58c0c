import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { RelyingPartyDocumentSchema, RelyingPartyList, RelyingPartyListQuery, RelyingPartyParams, RelyingPartyViewSchema } from './schemas.js'
import type { RelyingPartyService } from './service.js'
import { actorOf } from '../audit/audit-event.js'

const TAGS = ['relying-parties']
const auth = { platform: true } as const

export const relyingPartyRoutes: FastifyPluginAsyncTypebox<{ relyingParties: RelyingPartyService }> = async (app, { relyingParties }) => {
  app.put('/v1/relying-parties/:client_id', {
    config: { auth },
    schema: { tags: TAGS, summary: 'Register or replace a relying party (agency client)', params: RelyingPartyParams, body: RelyingPartyDocumentSchema, response: { 200: RelyingPartyViewSchema, 201: RelyingPartyViewSchema, '4xx': ProblemSchema } }
  }, async function putRelyingParty (request, reply) {
    const { created, view } = await relyingParties.put(request.params.client_id, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(view)
  })

  app.get('/v1/relying-parties', {
    config: { auth },
    schema: { tags: TAGS, summary: 'List relying parties', querystring: RelyingPartyListQuery, response: { 200: RelyingPartyList, '4xx': ProblemSchema } }
  }, async function listRelyingParties (request) {
    return relyingParties.list(request.query.cursor, request.query.limit)
  })

  app.get('/v1/relying-parties/:client_id', {
    config: { auth },
    schema: { tags: TAGS, summary: 'Read a relying party', params: RelyingPartyParams, response: { 200: RelyingPartyViewSchema, '4xx': ProblemSchema } }
  }, async function getRelyingParty (request) {
    return relyingParties.get(request.params.client_id)
  })

  app.delete('/v1/relying-parties/:client_id', {
    config: { auth },
    schema: { tags: TAGS, summary: 'Delete a relying party; its access tokens stop working at once', params: RelyingPartyParams, response: { 204: Type.Null(), '4xx': ProblemSchema } }
  }, async function deleteRelyingParty (request, reply) {
    await relyingParties.delete(request.params.client_id, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
