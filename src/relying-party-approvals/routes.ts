import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListQuery, OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { ApprovalInput, ApprovalList, ApprovalParams, ApprovalView } from './schemas.js'
import type { ApprovalService } from './service.js'
import { actorOf } from '../audit/audit-event.js'

const TAGS: ApiTag[] = ['Relying-party approvals']
const write = { scope: 'relying-parties:approve', orgParam: 'org' } as const
const read = { scope: 'organisation:read', orgParam: 'org' } as const

export const approvalRoutes: FastifyPluginAsyncTypebox<{ approvals: ApprovalService }> = async (app, { approvals }) => {
  app.put('/v1/organisations/:org/relying-party-approvals/:client_id', {
    config: { auth: write },
    schema: {
      tags: TAGS,
      operationId: 'putRelyingPartyApproval',
      summary: 'Approve a relying party, or replace the approval',
      description: 'The organisation decides which agency receives what about its people, for which purposes, until when and under which agreement. Released is the relying party\'s platform release policy ∩ this approval; without one, the party gets the same 404 as for an unknown person. Narrowing (fewer attributes or purposes, an earlier valid_until) revokes at once the party\'s live tokens that carry what is no longer approved. docs/trust.md explains.',
      params: ApprovalParams,
      body: ApprovalInput,
      response: { 200: documented('The approval, replaced.', ApprovalView), 201: documented('The approval, granted.', ApprovalView), '4xx': ProblemSchema }
    }
  }, async function putApproval (request, reply) {
    const { created, view } = await approvals.put(request.params.org, request.params.client_id, request.body, actorOf(request.principal))
    return reply.code(created ? 201 : 200).send(view)
  })

  app.get('/v1/organisations/:org/relying-party-approvals', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'listRelyingPartyApprovals', summary: 'List the organisation\'s approvals', description: 'Every relying party the organisation approved, by client_id, one page at a time.', params: OrgParams, querystring: ListQuery, response: { 200: documented('A page of approvals.', ApprovalList), '4xx': ProblemSchema } }
  }, async function listApprovals (request) {
    return approvals.list(request.params.org, request.query.cursor, request.query.limit)
  })

  app.get('/v1/organisations/:org/relying-party-approvals/:client_id', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'getRelyingPartyApproval', summary: 'Read one approval', description: 'What the organisation approved for this relying party, and who approved it last.', params: ApprovalParams, response: { 200: documented('The approval.', ApprovalView), '4xx': ProblemSchema } }
  }, async function getApproval (request) {
    return approvals.get(request.params.org, request.params.client_id)
  })

  app.delete('/v1/organisations/:org/relying-party-approvals/:client_id', {
    config: { auth: write },
    schema: { tags: TAGS, operationId: 'withdrawRelyingPartyApproval', summary: 'Withdraw an approval; the party\'s live tokens are revoked', description: 'Takes effect at once: the party gets no further token about the organisation\'s people, and every unexpired one it holds is marked revoked in its status list.', params: ApprovalParams, response: { 204: Type.Null({ description: 'Withdrawn.' }), '4xx': ProblemSchema } }
  }, async function withdrawApproval (request, reply) {
    await approvals.withdraw(request.params.org, request.params.client_id, actorOf(request.principal))
    return reply.code(204).send(null)
  })
}
