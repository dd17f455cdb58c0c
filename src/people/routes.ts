import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import { PeopleList, PeopleQuery, Person, PersonParams } from './schemas.js'
import type { PeopleRepository } from './repository.js'
import { UnknownPerson } from './errors.js'
import { ExplainParams, ExplanationSchema } from '../mapping/schemas.js'
import type { MappingService } from '../mapping/service.js'

export interface PeopleRouteOptions { people: PeopleRepository, explain: MappingService['explain'] }

const auth = { scope: 'people:read', orgParam: 'org' } as const

export const peopleRoutes: FastifyPluginAsyncTypebox<PeopleRouteOptions> = async (app, { people, explain }) => {
  app.get('/v1/organisations/:org/people', {
    config: { auth },
    schema: { tags: ['people'], summary: 'List people with their employments, groups and effective attributes (filter by attribute to list its holders)', params: OrgParams, querystring: PeopleQuery, response: { 200: PeopleList, '4xx': ProblemSchema } }
  }, async function listPeople (request) {
    const { limit, cursor, employee_number: employeeNumber, email, attribute } = request.query
    const after = decodeCursor(cursor, cursorKey.text)
    const rows = await people.list(request.params.org, { limit: limit + 1, ...(employeeNumber ? { employee_number: employeeNumber } : {}), ...(email ? { email } : {}), ...(attribute ? { attribute } : {}), ...(after ? { after } : {}) })
    return page(rows, limit, (p) => p.id)
  })

  app.get('/v1/organisations/:org/people/:id', {
    config: { auth },
    schema: { tags: ['people'], summary: 'Read a person with employments, groups and effective attributes', params: PersonParams, response: { 200: Person, '4xx': ProblemSchema } }
  }, async function getPerson (request) {
    const person = await people.find(request.params.org, request.params.id)
    if (!person) throw UnknownPerson(`No person ${request.params.id}`)
    return person
  })

  app.get('/v1/organisations/:org/people/:id/attributes/:attr/explain', {
    config: { auth },
    schema: {
      tags: ['people'],
      summary: 'Why the person holds (or does not hold) an attribute today, in words and data',
      description: 'Evaluated now from the domain\'s active mapping and the person\'s current employments and groups. When not held, names the granting rule that came nearest and what it is missing.',
      params: ExplainParams,
      response: { 200: ExplanationSchema, '4xx': ProblemSchema }
    }
  }, async function explainAttribute (request) {
    const { org, id, attr } = request.params
    if (!await people.find(org, id)) throw UnknownPerson(`No person ${id}`)
    return explain(org, id, attr)
  })
}
