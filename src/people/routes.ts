import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { decodeCursor, page } from '../http/cursor.js'
import { PeopleList, PeopleQuery, Person, PersonParams } from './schemas.js'
import type { PeopleRepository } from './repository.js'
import { UnknownPerson } from './errors.js'

const auth = { scope: 'people:read', orgParam: 'org' } as const
const isString = (v: unknown): v is string => typeof v === 'string'

export const peopleRoutes: FastifyPluginAsyncTypebox<{ people: PeopleRepository }> = async (app, { people }) => {
  app.get('/v1/organisations/:org/people', {
    config: { auth },
    schema: { tags: ['people'], summary: 'List people with their employments', params: OrgParams, querystring: PeopleQuery, response: { 200: PeopleList, '4xx': ProblemSchema } }
  }, async function listPeople (request) {
    const { limit, cursor, employee_number: employeeNumber, email } = request.query
    const after = decodeCursor(cursor, isString)
    const rows = await people.list(request.params.org, { limit: limit + 1, ...(employeeNumber ? { employee_number: employeeNumber } : {}), ...(email ? { email } : {}), ...(after ? { after } : {}) })
    return page(rows, limit, (p) => p.id)
  })

  app.get('/v1/organisations/:org/people/:id', {
    config: { auth },
    schema: { tags: ['people'], summary: 'Read a person with employments', params: PersonParams, response: { 200: Person, '4xx': ProblemSchema } }
  }, async function getPerson (request) {
    const person = await people.find(request.params.org, request.params.id)
    if (!person) throw UnknownPerson(`No person ${request.params.id}`)
    return person
  })
}
