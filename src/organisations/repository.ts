import { sql, type Kysely, type Selectable } from 'kysely'
import type { Database, OrganisationTable } from '../store/database-types.js'
import type { Organisation, OrganisationInput } from './schemas.js'
import { appendAudit } from '../audit/audit-log.js'
import type { AuditActor } from '../audit/audit-event.js'

export function organisationRepository (db: Kysely<Database>) {
  return {
    async find (number: string): Promise<Organisation | undefined> {
      const row = await db.selectFrom('organisations').selectAll().where('number', '=', number).executeTakeFirst()
      return row && toOrganisation(row)
    },

    /**
     * Inserts or updates, and records which in the organisation's audit chain in the same
     * transaction; `created` tells which (xmax = 0 only for a freshly inserted row).
     */
    async upsert (number: string, input: OrganisationInput, actor: AuditActor = { kind: 'system', component: 'behorig' }): Promise<{ organisation: Organisation, created: boolean }> {
      return db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('organisations')
          .values({ number, name: input.name, kind: input.kind, municipality_code: input.municipality_code ?? null })
          .onConflict((oc) => oc.column('number').doUpdateSet({
            name: input.name, kind: input.kind, municipality_code: input.municipality_code ?? null, updated_at: new Date()
          }))
          .returningAll()
          .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
          .executeTakeFirstOrThrow()
        const organisation = toOrganisation(row)
        await appendAudit(trx, [{
          organisation: number,
          action: row.inserted ? 'organisation.created' : 'organisation.updated',
          actor,
          details: { name: organisation.name, kind: organisation.kind, municipality_code: organisation.municipality_code }
        }])
        return { organisation, created: row.inserted }
      })
    },

    async list (options: { after: string | undefined, limit: number, only?: string }): Promise<Organisation[]> {
      let q = db.selectFrom('organisations').selectAll().orderBy('number').limit(options.limit)
      if (options.after) q = q.where('number', '>', options.after)
      if (options.only) q = q.where('number', '=', options.only)
      return (await q.execute()).map(toOrganisation)
    }
  }
}

export type OrganisationRepository = ReturnType<typeof organisationRepository>

function toOrganisation (row: Selectable<OrganisationTable>): Organisation {
  return {
    number: row.number,
    name: row.name,
    kind: row.kind as Organisation['kind'],
    municipality_code: row.municipality_code,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString()
  }
}
