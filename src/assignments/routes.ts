import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { actorOf } from '../audit/audit-event.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { OrgParams } from '../organisations/schemas.js'
import { AssignmentEnd, assignmentExample, AssignmentInput, AssignmentList, AssignmentParams, AssignmentQuery, AssignmentView } from './schemas.js'
import type { AssignmentService } from './service.js'

const TAGS: ApiTag[] = ['Assignments']
const write = { scope: 'assignments:write', orgParam: 'org' } as const
const read = { scope: 'people:read', orgParam: 'org' } as const

export const assignmentRoutes: FastifyPluginAsyncTypebox<{ assignments: AssignmentService }> = async (app, { assignments }) => {
  app.post('/v1/organisations/:org/assignments', {
    config: { auth: write },
    schema: {
      tags: TAGS,
      operationId: 'createAssignment',
      summary: 'Grant an attribute to a person for a limited time',
      description: 'An assignment (förordnande): one active catalog attribute of a domain the organisation has a published mapping for, to one person (or a substitute not in HR, who becomes a person with no employment), from valid_from to valid_until inclusive, with a reason. The person holds it in their effective attributes with the assignment as provenance, and tokens carry it on those days where the organisation approved the relying party for it. docs/assignments.md explains.',
      params: OrgParams,
      body: AssignmentInput,
      response: { 201: documented('The assignment.', AssignmentView), '4xx': ProblemSchema }
    }
  }, async function createAssignment (request, reply) {
    return reply.code(201).send(await assignments.create(request.params.org, request.body, actorOf(request.principal)))
  })

  app.get('/v1/organisations/:org/assignments', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'listAssignments', summary: 'List the organisation\'s assignments', description: 'Ended ones included (with ended_at), in id order, one page at a time; filtered by person, attribute and the day they grant on.', params: OrgParams, querystring: AssignmentQuery, response: { 200: documented('A page of assignments.', AssignmentList), '4xx': ProblemSchema } }
  }, async function listAssignments (request) {
    return assignments.list(request.params.org, request.query)
  })

  app.get('/v1/organisations/:org/assignments/:id', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'getAssignment', summary: 'Read one assignment', description: 'The assignment, who granted it, and whether and why it was ended early.', params: AssignmentParams, response: { 200: documented('The assignment.', AssignmentView), '4xx': ProblemSchema } }
  }, async function getAssignment (request) {
    return assignments.get(request.params.org, request.params.id)
  })

  app.delete('/v1/organisations/:org/assignments/:id', {
    config: { auth: write },
    schema: { tags: TAGS, operationId: 'endAssignment', summary: 'End an assignment early; its live tokens are revoked', description: 'Takes effect at once: the person no longer holds the attribute by this assignment, and every unexpired attribute token carrying it is marked revoked in its status list (unless a mapping rule or another assignment still grants it). The assignment is kept, with ended_at, ended_by and end_reason.', params: AssignmentParams, body: AssignmentEnd, response: { 200: documented('The ended assignment.', AssignmentView, [{ ...assignmentExample, ended_at: '2027-07-01T08:00:00.000Z', ended_by: { kind: 'api-key', key_id: 'k_3f9a', organisation: '2129999997' }, end_reason: 'Ordinarie handläggare åter i tjänst' }]), '4xx': ProblemSchema } }
  }, async function endAssignment (request) {
    return assignments.end(request.params.org, request.params.id, request.body.reason, actorOf(request.principal))
  })
}
