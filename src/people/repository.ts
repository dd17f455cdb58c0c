import type { Kysely, Selectable, Transaction } from 'kysely'
import { withTenant } from '../store/tenant-scope.js'
import type { Database, EmploymentTable, PersonTable } from '../store/database-types.js'
import { effectiveAttributeRepository, type StoredAttribute } from '../mapping/effective-attribute-repository.js'

type PersonAttribute = Omit<StoredAttribute, 'person_id' | 'attribute_id'> & { id: string }

export function peopleRepository (db: Kysely<Database>) {
  return {
    list: (organisation: string, filter: { employee_number?: string, email?: string, hsa_id?: string, attribute?: string, after?: string, limit: number }) => withTenant(db, organisation, async (db) => {
      let q = db.selectFrom('people').selectAll().where('organisation', '=', organisation).orderBy('id').limit(filter.limit)
      if (filter.employee_number) q = q.where('employee_number', '=', filter.employee_number)
      if (filter.email) q = q.where((eb) => eb(eb.fn('lower', ['email']), '=', filter.email!.toLowerCase()))
      if (filter.hsa_id) q = q.where('hsa_id', '=', filter.hsa_id)
      if (filter.after) q = q.where('id', '>', filter.after)
      // Holders of an attribute (any unit scope), by the materialised effective attributes.
      if (filter.attribute) {
        const attribute = filter.attribute
        q = q.where(({ exists, selectFrom }) => exists(selectFrom('effective_attributes as ea').select('ea.person_id')
          .whereRef('ea.organisation', '=', 'people.organisation').whereRef('ea.person_id', '=', 'people.id').where('ea.attribute_id', '=', attribute)))
      }
      const people = await q.execute()
      return withEmployments(db, organisation, people)
    }),

    /** The id of the person with this employee number (unique in an organisation), if the organisation has one. */
    idByEmployeeNumber: (organisation: string, employeeNumber: string) => withTenant(db, organisation, async (db) => {
      const person = await db.selectFrom('people').select('id').where('organisation', '=', organisation).where('employee_number', '=', employeeNumber).executeTakeFirst()
      return person?.id
    }),

    find: (organisation: string, id: string) => withTenant(db, organisation, async (db) => {
      const person = await db.selectFrom('people').selectAll().where('organisation', '=', organisation).where('id', '=', id).executeTakeFirst()
      return person ? (await withEmployments(db, organisation, [person]))[0] : undefined
    })
  }
}

export type PeopleRepository = ReturnType<typeof peopleRepository>

async function withEmployments (db: Transaction<Database>, organisation: string, people: Selectable<PersonTable>[]) {
  if (people.length === 0) return []
  const rows = await db.selectFrom('employments').selectAll().where('organisation', '=', organisation)
    .where('person_id', 'in', people.map((p) => p.id)).orderBy('start_date').orderBy('id').execute()
  const byPerson = new Map<string, Selectable<EmploymentTable>[]>()
  for (const r of rows) byPerson.set(r.person_id, [...(byPerson.get(r.person_id) ?? []), r])
  const memberships = await db.selectFrom('person_groups').select(['person_id', 'source', 'group_dn', 'via']).where('organisation', '=', organisation)
    .where('person_id', 'in', people.map((p) => p.id)).orderBy('group_dn').execute()
  const groupsOf = new Map<string, { dn: string, source: string, via: string[] }[]>()
  for (const g of memberships) groupsOf.set(g.person_id, [...(groupsOf.get(g.person_id) ?? []), { dn: g.group_dn, source: g.source, via: g.via }])
  const attributesOf = new Map<string, PersonAttribute[]>()
  for (const a of await effectiveAttributeRepository(db).forPeople(organisation, people.map((p) => p.id))) {
    const { person_id: personId, attribute_id: id, ...rest } = a
    attributesOf.set(personId, [...(attributesOf.get(personId) ?? []), { id, ...rest }])
  }
  return people.map((p) => ({
    id: p.id,
    service_id: p.service_id,
    employee_number: p.employee_number,
    given_name: p.given_name,
    family_name: p.family_name,
    email: p.email,
    hsa_id: p.hsa_id,
    has_personal_identity_number: p.pin_sealed !== null,
    source: p.source,
    last_run: p.last_run,
    updated_at: new Date(p.updated_at).toISOString(),
    employments: (byPerson.get(p.id) ?? []).map((e) => ({
      id: e.id,
      source: e.source,
      employment_id: e.employment_id,
      unit_id: e.unit_id,
      position_code: e.position_code,
      title: e.title,
      employment_type: e.employment_type as 'tillsvidare',
      start_date: e.start_date,
      end_date: e.end_date,
      extent: e.extent === null ? null : Number(e.extent),
      ended_at: e.ended_at ? new Date(e.ended_at).toISOString() : null,
      last_run: e.last_run
    })),
    groups: groupsOf.get(p.id) ?? [],
    attributes: attributesOf.get(p.id) ?? []
  }))
}
