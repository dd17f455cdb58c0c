import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { personExample } from './people-examples.js'
import { explanationExample } from '../mapping/mapping-examples.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import { EmployeeNumberParams, ExplainByEmployeeNumberParams, PeopleList, PeopleQuery, Person, PersonParams } from './schemas.js'
import type { PeopleRepository } from './repository.js'
import { UnknownPerson } from './errors.js'
import { ExplainParams, ExplanationSchema } from '../mapping/schemas.js'
import type { MappingService } from '../mapping/service.js'

export interface PeopleRouteOptions { people: PeopleRepository, explain: MappingService['explain'] }

const auth = { scope: 'people:read', orgParam: 'org' } as const
const TAGS: ApiTag[] = ['People']
const BY_NUMBER = 'The same as by person id, for stewards who know the person by the employee number the HR source gives; an unknown number is `unknown-person` (404), as an unknown id is.'

export const peopleRoutes: FastifyPluginAsyncTypebox<PeopleRouteOptions> = async (app, { people, explain }) => {
  /** The person, or the same 404 whether the organisation has no such person or another organisation has. */
  async function readPerson (org: string, id: string | undefined, named: string) {
    const person = id === undefined ? undefined : await people.find(org, id)
    if (!person) throw UnknownPerson(`No person ${named}`)
    return person
  }

  async function explainFor (org: string, id: string | undefined, named: string, attr: string) {
    const person = await readPerson(org, id, named)
    return explain(org, person.id, attr)
  }

  app.get('/v1/organisations/:org/people', {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'listPeople',
      summary: 'List people with their employments, groups and effective attributes (filter by attribute to list its holders)',
      description: 'After a sync run or a publish, a steward checks the result: find one person by `employee_number`, `email` or `hsa_id`, or everyone holding an attribute with `attribute=socialtjanst.eb.handlaggare`. Paged by `cursor`.',
      params: OrgParams,
      querystring: PeopleQuery,
      response: { 200: documented('A page of people.', PeopleList, [{ items: [personExample], next_cursor: null }]), '4xx': ProblemSchema }
    }
  }, async function listPeople (request) {
    const { limit, cursor, employee_number: employeeNumber, email, hsa_id: hsaId, attribute } = request.query
    const after = decodeCursor(cursor, cursorKey.text)
    const rows = await people.list(request.params.org, { limit: limit + 1, ...(employeeNumber ? { employee_number: employeeNumber } : {}), ...(email ? { email } : {}), ...(hsaId ? { hsa_id: hsaId } : {}), ...(attribute ? { attribute } : {}), ...(after ? { after } : {}) })
    return page(rows, limit, (p) => p.id)
  })

  app.get('/v1/organisations/:org/people/:id', {
    config: { auth },
    schema: { tags: TAGS, operationId: 'getPerson', summary: 'Read a person with employments, groups and effective attributes', description: 'Everything behorig knows of one person, the personnummer excepted (only whether one is stored). Each attribute carries its provenance: the rule and the employments or groups that justify it.', params: PersonParams, response: { 200: documented('The person.', Person, [personExample]), '4xx': ProblemSchema } }
  }, async function getPerson (request) {
    return readPerson(request.params.org, request.params.id, request.params.id)
  })

  app.get('/v1/organisations/:org/people/by-employee-number/:employee_number', {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'getPersonByEmployeeNumber',
      summary: 'Read a person by employee number',
      description: `A person with employments, groups and effective attributes. ${BY_NUMBER}`,
      params: EmployeeNumberParams,
      response: { 200: documented('The person.', Person, [personExample]), '4xx': ProblemSchema }
    }
  }, async function getPersonByEmployeeNumber (request) {
    const { org, employee_number: number } = request.params
    return readPerson(org, await people.idByEmployeeNumber(org, number), `with employee number ${number}`)
  })

  app.get('/v1/organisations/:org/people/:id/attributes/:attr/explain', {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'explainAttribute',
      summary: 'Why the person holds (or does not hold) an attribute today, in words and data',
      description: 'Evaluated now from the domain\'s active mapping and the person\'s current employments and groups. When not held, names the granting rule that came nearest and what it is missing.',
      params: ExplainParams,
      response: { 200: documented('The explanation.', ExplanationSchema, [explanationExample]), '4xx': ProblemSchema }
    }
  }, async function explainAttribute (request) {
    const { org, id, attr } = request.params
    return explainFor(org, id, id, attr)
  })

  app.get('/v1/organisations/:org/people/by-employee-number/:employee_number/attributes/:attr/explain', {
    config: { auth },
    schema: {
      tags: TAGS,
      operationId: 'explainAttributeByEmployeeNumber',
      summary: 'Why the person with this employee number holds (or does not hold) an attribute today',
      description: `Evaluated now from the domain's active mapping and the person's current employments and groups, in words and data. ${BY_NUMBER}`,
      params: ExplainByEmployeeNumberParams,
      response: { 200: documented('The explanation.', ExplanationSchema, [explanationExample]), '4xx': ProblemSchema }
    }
  }, async function explainAttributeByEmployeeNumber (request) {
    const { org, employee_number: number, attr } = request.params
    return explainFor(org, await people.idByEmployeeNumber(org, number), `with employee number ${number}`, attr)
  })
}
