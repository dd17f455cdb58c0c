import { randomUUID } from 'node:crypto'
import type { AuditActor, AuditEventInput } from '../audit/audit-event.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import type { ProblemFieldError } from '../http/problem.js'
import type { CatalogAttributeInfo } from '../mapping/mapping-types.js'
import { UnknownOrganisation } from '../organisations/errors.js'
import type { OrganisationRepository } from '../organisations/repository.js'
import { AssignmentEnded, AssignmentInvalid, UnknownAssignment } from './errors.js'
import type { AssignmentRepository, AssignmentTransaction, StoredAssignment } from './repository.js'
import type { AssignmentInput, AssignmentQuery, AssignmentView } from './schemas.js'

export interface AssignmentDeps {
  assignments: AssignmentRepository
  organisations: Pick<OrganisationRepository, 'find'>
  /** The attribute as the organisation's active mapping's catalog version has it (the mapping service's `assignable`). */
  assignable: (organisation: string, attributeId: string) => Promise<CatalogAttributeInfo | 'no-mapping' | undefined>
  /** Propagates a committed change: recomputes the person and revokes what they lost (change propagation's `process`). */
  propagate: (change: string) => Promise<unknown>
  /** BEHORIG_ASSIGNMENT_MAX_DAYS. */
  maxDays: number
  /** Today's evaluation day (Europe/Stockholm). */
  today: () => string
  now?: () => number
}

/**
 * Assignments (förordnanden): time-boxed grants of one attribute to one person. Made and
 * ended in one tenant transaction with their audit event and their change in the change
 * outbox; the person's attributes are then recomputed like after a sync run, which also
 * revokes the live tokens an early end takes away (by the outbox's drain, should this
 * process die first).
 */
export function assignmentService (deps: AssignmentDeps) {
  const now = deps.now ?? Date.now

  return {
    async create (organisation: string, input: AssignmentInput, actor: AuditActor): Promise<AssignmentView> {
      if (!await deps.organisations.find(organisation)) throw UnknownOrganisation(`No organisation ${organisation}`)
      const errors = periodErrors(input, deps.maxDays, deps.today())
      const attribute = await deps.assignable(organisation, input.attribute)
      errors.push(...attributeErrors(input, attribute))
      const id = randomUUID()
      const created = await deps.assignments.transaction(organisation, async (tx) => {
        if (input.unit !== undefined && attribute !== 'no-mapping' && attribute?.scope === 'unit' && !await tx.unitExists(input.unit)) {
          errors.push({ pointer: '/unit', detail: `no unit ${input.unit} in the organisation's unit tree` })
        }
        // Last: a lost race on inserting an external person leaves the transaction spent.
        const personId = await resolvePerson(tx, input.person, id, errors)
        // Thrown inside the transaction: an external person inserted above is not kept.
        if (errors.length > 0 || personId === undefined) throw invalid(errors)
        const stored = await tx.insert({
          organisation,
          id,
          person_id: personId,
          domain: input.attribute.split('.')[0] ?? '',
          attribute_id: input.attribute,
          unit_id: input.unit ?? null,
          valid_from: input.valid_from,
          valid_until: input.valid_until,
          reason: input.reason,
          reference: input.reference ?? null,
          granted_by: actor
        })
        await tx.audit(assignmentEvent('assignment.created', stored, actor, { valid_from: stored.valid_from, valid_until: stored.valid_until, reason: stored.reason, reference: stored.reference, external: 'external' in input.person }))
        return { stored, change: await tx.owe(stored.person_id, stored.id) }
      })
      await deps.propagate(created.change)
      return view(created.stored)
    },

    /** Ends the assignment now: the attribute goes at once (unless a rule or another assignment still grants it) and live tokens carrying it are revoked. */
    async end (organisation: string, id: string, reason: string, actor: AuditActor): Promise<AssignmentView> {
      const ended = await deps.assignments.transaction(organisation, async (tx) => {
        const found = await tx.findForUpdate(id)
        if (!found) throw unknownAssignment(organisation, id)
        if (found.ended_at !== null) throw AssignmentEnded(`Assignment ${id} was ended at ${found.ended_at.toISOString()}`)
        const stored = await tx.end(id, new Date(now()), actor, reason)
        await tx.audit(assignmentEvent('assignment.ended', stored, actor, { reason }))
        return { stored, change: await tx.owe(stored.person_id, stored.id) }
      })
      await deps.propagate(ended.change)
      return view(ended.stored)
    },

    async get (organisation: string, id: string): Promise<AssignmentView> {
      const found = await deps.assignments.find(organisation, id)
      if (!found) throw unknownAssignment(organisation, id)
      return view(found)
    },

    async list (organisation: string, query: AssignmentQuery) {
      const after = decodeCursor(query.cursor, cursorKey.text)
      const filter = { ...(query.person ? { person: query.person } : {}), ...(query.attribute ? { attribute: query.attribute } : {}), ...(query.active_on ? { active_on: query.active_on } : {}) }
      return page((await deps.assignments.list(organisation, filter, after, query.limit + 1)).map(view), query.limit, (v) => v.id)
    }
  }
}

export type AssignmentService = ReturnType<typeof assignmentService>

const unknownAssignment = (organisation: string, id: string): Error => UnknownAssignment(`${organisation} has no assignment ${id}`)

const invalid = (errors: ProblemFieldError[]): Error => AssignmentInvalid({ detail: errors.map((e) => `${e.pointer} ${e.detail}`).join('; '), errors })

const DAY_MS = 86_400_000

function periodErrors (input: AssignmentInput, maxDays: number, today: string): ProblemFieldError[] {
  const days = (Date.parse(input.valid_until) - Date.parse(input.valid_from)) / DAY_MS + 1
  if (days < 1) return [{ pointer: '/valid_until', detail: `is before valid_from (${input.valid_from})` }]
  if (days > maxDays) return [{ pointer: '/valid_until', detail: `makes the assignment ${days} days long; at most ${maxDays} (BEHORIG_ASSIGNMENT_MAX_DAYS)` }]
  if (input.valid_until < today) return [{ pointer: '/valid_until', detail: `is in the past (today is ${today})` }]
  return []
}

function attributeErrors (input: AssignmentInput, attribute: CatalogAttributeInfo | 'no-mapping' | undefined): ProblemFieldError[] {
  const domain = input.attribute.split('.')[0] ?? ''
  if (attribute === 'no-mapping') return [{ pointer: '/attribute', detail: `the organisation has published no mapping for the domain ${domain}` }]
  if (!attribute) return [{ pointer: '/attribute', detail: `no attribute ${input.attribute} in the catalog version the organisation's ${domain} mapping uses` }]
  if (attribute.status !== 'active') return [{ pointer: '/attribute', detail: `${input.attribute} is deprecated${attribute.replaced_by ? `; assign ${attribute.replaced_by}` : ''}` }]
  if (attribute.scope === 'unit' && input.unit === undefined) return [{ pointer: '/unit', detail: `${input.attribute} is unit-scoped: name the unit` }]
  if (attribute.scope === 'organisation' && input.unit !== undefined) return [{ pointer: '/unit', detail: `${input.attribute} is organisation-scoped: it takes no unit` }]
  return []
}

/** The person's id: found by the given key, or inserted as an external person. Adds to `errors` when neither works. */
async function resolvePerson (tx: AssignmentTransaction, person: AssignmentInput['person'], assignmentId: string, errors: ProblemFieldError[]): Promise<string | undefined> {
  if ('type' in person) {
    const found = await tx.peopleBy(person.type, person.value)
    if (found.length === 1) return found[0]
    errors.push({ pointer: '/person/value', detail: found.length === 0 ? `no person of the organisation has the ${person.type} ${person.value}` : `several people have the ${person.type} ${person.value}; name one by another key` })
    return undefined
  }
  const { external } = person
  if (external.service_id === undefined && external.hsa_id === undefined) {
    errors.push({ pointer: '/person/external', detail: 'needs a service_id or an hsa_id, which logins and lookups find the person by' })
    return undefined
  }
  const taken = [
    ...(external.service_id !== undefined && (await tx.peopleBy('service-id', external.service_id)).length > 0 ? [{ pointer: '/person/external/service_id', detail: `a person with the service-id ${external.service_id} exists: name them with { "type": "service-id", "value": "${external.service_id}" }` }] : []),
    ...(external.hsa_id !== undefined && (await tx.peopleBy('hsa-id', external.hsa_id)).length > 0 ? [{ pointer: '/person/external/hsa_id', detail: `a person with the HSA-id ${external.hsa_id} exists: name them with { "type": "hsa-id", "value": "${external.hsa_id}" }` }] : []),
    // The service-id column is unique; an HSA-id-only substitute is known outward by the HSA-id.
    ...(external.service_id === undefined && external.hsa_id !== undefined && (await tx.peopleBy('service-id', external.hsa_id)).length > 0 ? [{ pointer: '/person/external/hsa_id', detail: `a person with the service-id ${external.hsa_id} exists` }] : [])
  ]
  if (taken.length > 0 || errors.length > 0) {
    errors.push(...taken)
    return undefined
  }
  const id = randomUUID()
  const inserted = await tx.insertPerson({ id, service_id: external.service_id ?? external.hsa_id ?? '', hsa_id: external.hsa_id ?? null, given_name: external.given_name, family_name: external.family_name, email: external.email ?? null }, assignmentId)
  if (inserted) return id
  // A concurrent assignment (or sync) made a person with this id first: the same answer as the check above.
  errors.push({ pointer: external.service_id !== undefined ? '/person/external/service_id' : '/person/external/hsa_id', detail: 'a person with it was made meanwhile: name them by it' })
  return undefined
}

function assignmentEvent (action: 'assignment.created' | 'assignment.ended', a: StoredAssignment, actor: AuditActor, details: Record<string, unknown>): AuditEventInput {
  return { organisation: a.organisation, person_id: a.person_id, action, actor, details: { assignment: a.id, attribute: a.attribute_id, unit: a.unit_id, ...details } }
}

function view (a: StoredAssignment): AssignmentView {
  return {
    id: a.id,
    person_id: a.person_id,
    attribute: a.attribute_id,
    unit: a.unit_id,
    valid_from: a.valid_from,
    valid_until: a.valid_until,
    reason: a.reason,
    reference: a.reference,
    granted_by: a.granted_by,
    created_at: a.created_at.toISOString(),
    ended_at: a.ended_at?.toISOString() ?? null,
    ended_by: a.ended_by,
    end_reason: a.end_reason
  }
}
