import type { AuditActor } from '../audit/audit-event.js'
import type { EffectiveGrant } from './mapping-types.js'

/** A live assignment, as the recompute merges it into a person's grants. */
export interface AssignedGrant {
  id: string
  person_id: string
  attribute_id: string
  unit_id: string | null
  valid_from: string
  valid_until: string
  reason: string
  granted_by: AuditActor
}

/**
 * Adds a person's live assignments (in valid_from order) to the grants their mapping rules
 * give: one grant per (attribute, unit), as effective_attributes keeps them. An assignment
 * whose period overlaps the grant's widens it to the union; one that does not (a rule grant
 * that ends before a later assignment begins, or two separate assignments) waits until the
 * earlier period is over and a recompute on a later day finds it, because one row holds one
 * period and a gap in it would release the attribute on days nobody granted it.
 */
export function withAssignments (grants: readonly EffectiveGrant[], assigned: readonly AssignedGrant[]): EffectiveGrant[] {
  const byKey = new Map(grants.map((g) => [keyOf(g), { ...g, provenance: [...g.provenance] }]))
  for (const a of assigned) {
    const provenance = { assignment: a.id, granted_by: a.granted_by, reason: a.reason }
    const held = byKey.get(keyOf(a))
    if (!held) {
      byKey.set(keyOf(a), { attribute_id: a.attribute_id, unit_id: a.unit_id, valid_from: a.valid_from, valid_until: a.valid_until, provenance: [provenance] })
      continue
    }
    if (a.valid_from > (held.valid_until ?? '9999-12-31') || a.valid_until < held.valid_from) continue
    if (a.valid_from < held.valid_from) held.valid_from = a.valid_from
    if (held.valid_until !== null && a.valid_until > held.valid_until) held.valid_until = a.valid_until
    held.provenance.push(provenance)
  }
  return [...byKey.values()].sort((a, b) => compare(keyOf(a), keyOf(b)))
}

function keyOf (g: { attribute_id: string, unit_id: string | null }): string {
  return `${g.attribute_id}\u0000${g.unit_id ?? ''}`
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
