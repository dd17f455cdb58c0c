import { createHash } from 'node:crypto'
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool, type Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import type { EmploymentFact, EmploymentType, PersonFacts } from './mapping-types.js'
import type { UnitRecord } from './unit-tree.js'

type Db = Kysely<Database> | Transaction<Database>

const NAME_SLICE = 5000

/** What mappings are evaluated against, read from what the sync runs maintain. */
export function personFactsRepository (db: Db) {
  return {
    /** The organisation's current units (removed ones left out: nothing can be within them). */
    async units (organisation: string): Promise<UnitRecord[]> {
      return db.selectFrom('units').select(['id', 'parent_id', 'kind', 'name']).where('organisation', '=', organisation).where('removed_at', 'is', null).execute()
    },

    async unitCount (organisation: string): Promise<number> {
      const row = await db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).where('organisation', '=', organisation).where('removed_at', 'is', null).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    /** Normalised DNs of the organisation's directory groups; empty while no directory was synced. */
    async groupDns (organisation: string): Promise<string[]> {
      return (await db.selectFrom('directory_groups').select('dn').where('organisation', '=', organisation).execute()).map((g) => g.dn)
    },

    /** Up to `limit` person ids after `after`, in id order: the pages a full recompute walks. */
    async personIds (organisation: string, after: string | undefined, limit: number): Promise<string[]> {
      let q = db.selectFrom('people').select('id').where('organisation', '=', organisation).orderBy('id').limit(limit)
      if (after !== undefined) q = q.where('id', '>', after)
      return (await q.execute()).map((p) => p.id)
    },

    /** People with an employment that became active or inactive after `since`, up to `today`: its start or its end passed. */
    async activityChanged (organisation: string, since: string, today: string): Promise<string[]> {
      const rows = await db.selectFrom('employments').select('person_id').distinct()
        .where('organisation', '=', organisation).where('ended_at', 'is', null)
        .where((eb) => eb.or([
          eb.and([eb('start_date', '>', since), eb('start_date', '<=', today)]),
          eb.and([eb('end_date', '>=', since), eb('end_date', '<', today)])
        ])).execute()
      return rows.map((r) => r.person_id)
    },

    /** What the organisation's attributes were last evaluated against (day and unit tree), if ever. */
    async lastEvaluation (organisation: string): Promise<Evaluation | undefined> {
      return db.selectFrom('attribute_evaluation_days').select(['day', 'units_hash']).where('organisation', '=', organisation).executeTakeFirst()
    },

    async recordEvaluation (organisation: string, evaluation: Evaluation): Promise<void> {
      await db.insertInto('attribute_evaluation_days').values({ organisation, ...evaluation })
        .onConflict((oc) => oc.column('organisation').doUpdateSet(evaluation)).execute()
    },

    /** How stewards know the given people: employee number and name, by id (ids of no person are left out). */
    async names (organisation: string, ids: readonly string[]): Promise<Map<string, PersonName>> {
      const names = new Map<string, PersonName>()
      // In slices: a preview may list tens of thousands, and a statement takes at most 65 535 parameters.
      for (let i = 0; i < ids.length; i += NAME_SLICE) {
        const rows = await db.selectFrom('people').select(['id', 'employee_number', 'given_name', 'family_name'])
          .where('organisation', '=', organisation).where('id', 'in', ids.slice(i, i + NAME_SLICE)).execute()
        for (const { id, ...name } of rows) names.set(id, name)
      }
      return names
    },

    /** Which of `ids` exist in the organisation. */
    async existing (organisation: string, ids: readonly string[]): Promise<string[]> {
      if (ids.length === 0) return []
      return (await db.selectFrom('people').select('id').where('organisation', '=', organisation).where('id', 'in', ids).execute()).map((p) => p.id)
    },

    /**
     * The facts of the given people: employments their sources still list (ended ones are
     * history) and their transitive directory groups. People without rows get empty facts.
     */
    async facts (organisation: string, ids: readonly string[], page: PersonPage = {}): Promise<PersonFacts[]> {
      if (ids.length === 0) return []
      const byId = new Map<string, PersonFacts>(ids.map((id) => [id, { person_id: id, employments: [], groups: [] }]))
      const employments = await db.selectFrom('employments')
        .select(['id', 'person_id', 'unit_id', 'position_code', 'title', 'employment_type', 'extent', 'start_date', 'end_date'])
        .where('organisation', '=', organisation).where((eb) => personFilter(eb, ids, page)).where('ended_at', 'is', null)
        .orderBy('person_id').orderBy('start_date').orderBy('id').execute()
      for (const e of employments) byId.get(e.person_id)?.employments.push(toFact(e))
      const groups = await db.selectFrom('person_groups').select(['person_id', 'group_dn', 'via'])
        .where('organisation', '=', organisation).where((eb) => personFilter(eb, ids, page)).orderBy('person_id').orderBy('group_dn').execute()
      for (const g of groups) byId.get(g.person_id)?.groups.push(g.via.length > 0 ? { dn: g.group_dn, via: g.via } : { dn: g.group_dn })
      return [...byId.values()]
    }
  }
}

export type PersonFactsRepository = ReturnType<typeof personFactsRepository>

export interface Evaluation { day: string, units_hash: string }

export interface PersonName { employee_number: string | null, given_name: string | null, family_name: string | null }

/** What of the unit tree evaluation depends on: each unit's parent and kind (not its name). */
export function unitsHash (units: readonly UnitRecord[]): string {
  const lines = units.map((u) => `${u.id}\u0000${u.parent_id ?? ''}\u0000${u.kind ?? ''}`).sort()
  return createHash('sha256').update(lines.join('\n')).digest('base64url')
}

/**
 * `contiguous`: the ids are every person between the first and the last (a page of a
 * full walk), so rows are read by index range rather than by a list of thousands of ids.
 */
export interface PersonPage { contiguous?: boolean }

/** `person_id` in the page: a range for a contiguous page, else the list. */
export function personFilter<DB, TB extends keyof DB> (eb: ExpressionBuilder<DB, TB>, ids: readonly string[], page: PersonPage): Expression<SqlBool> {
  const column = sql.ref<string>('person_id')
  if (page.contiguous) return eb.and([eb(column, '>=', ids[0] as string), eb(column, '<=', ids[ids.length - 1] as string)])
  return eb(column, 'in', ids)
}

function toFact (e: { id: string, unit_id: string, position_code: string | null, title: string | null, employment_type: string, extent: string | null, start_date: string, end_date: string | null }): EmploymentFact {
  return {
    employment_id: e.id,
    unit_id: e.unit_id,
    position_code: e.position_code,
    title: e.title,
    employment_type: e.employment_type as EmploymentType,
    extent: e.extent === null ? null : Number(e.extent),
    start_date: e.start_date,
    end_date: e.end_date
  }
}
