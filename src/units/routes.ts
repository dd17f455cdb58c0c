import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { UnitRepository } from './repository.js'
import { OrgParams, ListQuery } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import { Nullable } from '../http/nullable.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'

const Unit = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parent_id: Nullable(Type.String()),
  kind: Nullable(Type.String({ description: 'e.g. forvaltning, avdelning, enhet.' })),
  hsa_id: Nullable(Type.String()),
  school_unit_code: Nullable(Type.String({ description: 'Skolenhetskod (Skolverket\'s Skolenhetsregistret), 8 digits, as the HR source gives it; null when it gives none.' })),
  source: Type.String(),
  removed_at: Nullable(Type.String({ format: 'date-time', description: 'When its source stopped listing it.' }))
})
const UnitList = Type.Object({ items: Type.Array(Unit), next_cursor: Nullable(Type.String()) })

export const unitRoutes: FastifyPluginAsyncTypebox<{ units: UnitRepository }> = async (app, { units }) => {
  app.get('/v1/organisations/:org/units', {
    config: { auth: { scope: 'organisation:read', orgParam: 'org' } },
    schema: {
      tags: ['Organisations'],
      operationId: 'listUnits',
      summary: 'The organisation\'s unit tree, as its sources report it',
      description: 'Unit ids and kinds are what mapping rules name (`unit_within`, `unit_kinds`): check them here after the first sync run. Ordered by id, one page at a time.',
      params: OrgParams,
      querystring: ListQuery,
      response: { 200: documented('A page of units.', UnitList, [{ items: [{ id: 'soc-eb', name: 'Ekonomiskt bistånd', parent_id: 'soc', kind: 'avdelning', hsa_id: null, school_unit_code: null, source: 'hr', removed_at: null }, { id: 'soc-eb-norr', name: 'Ekonomiskt bistånd norr', parent_id: 'soc-eb', kind: 'enhet', hsa_id: null, school_unit_code: null, source: 'hr', removed_at: null }], next_cursor: 'c29jLWViLW5vcnI' }]), '4xx': ProblemSchema }
    }
  }, async function listUnits (request) {
    const { limit, cursor } = request.query
    const rows = await units.list(request.params.org, { after: decodeCursor(cursor, cursorKey.text), limit: limit + 1 })
    return page(rows, limit, (u) => u.id)
  })
}
