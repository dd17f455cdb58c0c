import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import type { Database } from '../store/database-types.js'
import { OrgParams, ListQuery } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { Nullable } from '../http/nullable.js'
import { decodeCursor, page } from '../http/cursor.js'

const Unit = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parent_id: Nullable(Type.String()),
  kind: Nullable(Type.String({ description: 'e.g. forvaltning, avdelning, enhet.' })),
  hsa_id: Nullable(Type.String()),
  source: Type.String(),
  removed_at: Nullable(Type.String({ format: 'date-time', description: 'When its source stopped listing it.' }))
})
const isString = (v: unknown): v is string => typeof v === 'string'

export const unitRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.get('/v1/organisations/:org/units', {
    config: { auth: { scope: 'organisation:read', orgParam: 'org' } },
    schema: { tags: ['organisations'], summary: 'The organisation\'s unit tree, as its sources report it', params: OrgParams, querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(Unit), next_cursor: Nullable(Type.String()) }), '4xx': ProblemSchema } }
  }, async function listUnits (request) {
    const { limit, cursor } = request.query
    const after = decodeCursor(cursor, isString)
    let q = db.selectFrom('units').select(['id', 'name', 'parent_id', 'kind', 'hsa_id', 'source', 'removed_at'])
      .where('organisation', '=', request.params.org).orderBy('id').limit(limit + 1)
    if (after) q = q.where('id', '>', after)
    const rows = (await q.execute()).map((u) => ({ ...u, removed_at: u.removed_at ? new Date(u.removed_at).toISOString() : null }))
    return page(rows, limit, (u) => u.id)
  })
}
