import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { RelyingPartyDocumentSchema, RelyingPartyList, RelyingPartyListQuery, ReadRelyingPartyParams, RelyingPartyParams, RelyingPartyViewSchema } from './schemas.js'
import type { RelyingPartyService } from './service.js'
import { actorOf } from '../audit/audit-event.js'

const TAGS: ApiTag[] = ['Relying parties']
const auth = { platform: true } as const

export const relyingPartyRoutes: FastifyPluginAsyncTypebox<{ relyingParties: RelyingPartyService }> = async (app, { relyingParties }) => {
  app.put('/v1/relying-parties/:client_id', {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'putRelyingParty',
      summary: 'Register or replace a relying party (agency client)',
      description: 'Step 4 of the flow: the agency sends its public keys (`jwks`, or a `jwks_uri` it publishes them at), and the platform admin decides what may be released to it (`release`: attributes or domains, organisations, the kind of subject identifier). Re-registering or re-keying stops its outstanding access tokens. Next, the agency asks `POST /oauth/token`.',
      params: RelyingPartyParams,
      body: RelyingPartyDocumentSchema,
      response: { 200: documented('The relying party, replaced.', RelyingPartyViewSchema), 201: documented('The relying party, registered.', RelyingPartyViewSchema), '4xx': ProblemSchema }
    }
  }, async function putRelyingParty (request, reply) {
    const { created, view } = await relyingParties.put(request.params.client_id, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(view)
  })

  app.get('/v1/relying-parties', {
    config: { auth },
    schema: { tags: TAGS, operationId: 'listRelyingParties', summary: 'List relying parties', description: 'Every registered agency client, by client_id, one page at a time.', querystring: RelyingPartyListQuery, response: { 200: documented('A page of relying parties.', RelyingPartyList), '4xx': ProblemSchema } }
  }, async function listRelyingParties (request) {
    return relyingParties.list(request.query.cursor, request.query.limit)
  })

  app.get('/v1/relying-parties/:client_id', {
    config: { auth },
    schema: { tags: TAGS, operationId: 'getRelyingParty', summary: 'Read a relying party', description: 'Its keys and release policy, defaults filled in. A federated party (OpenID Federation) is read by its entity id, with its `federation` member.', params: ReadRelyingPartyParams, response: { 200: documented('The relying party as stored.', RelyingPartyViewSchema), '4xx': ProblemSchema } }
  }, async function getRelyingParty (request) {
    return relyingParties.get(request.params.client_id)
  })

  app.delete('/v1/relying-parties/:client_id', {
    config: { auth },
    schema: { tags: TAGS, operationId: 'deleteRelyingParty', summary: 'Delete a relying party; its access tokens stop working at once', description: 'To pause a client instead, register it again with `disabled: true`.', params: RelyingPartyParams, response: { 204: Type.Null({ description: 'Deleted.' }), '4xx': ProblemSchema } }
  }, async function deleteRelyingParty (request, reply) {
    await relyingParties.delete(request.params.client_id, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
