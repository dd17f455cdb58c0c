/** A unit as the store holds it (from the HR source). */
export interface UnitRecord {
  id: string
  parent_id: string | null
  kind?: string | null
  name?: string | null
}

/** The organisation's unit tree, read-only, for evaluating `unit_within` and `unit_kinds`. */
export interface UnitTree {
  has: (unitId: string) => boolean
  /** True when `unitId` is `ancestorId` or lies anywhere below it. */
  isWithin: (unitId: string, ancestorId: string) => boolean
  /** The unit and every unit above it (only those the tree knows, cut at a cycle). */
  ancestors: (unitId: string) => ReadonlySet<string>
  kindOf: (unitId: string) => string | undefined
  nameOf: (unitId: string) => string | undefined
}

/**
 * Builds the tree once per evaluation run. Each unit's ancestor set is computed on first
 * use and kept, so `isWithin` is a set lookup however deep the tree: evaluation asks it
 * for every employment against every `unit_within`. A parent that is missing ends the
 * chain there, and a cycle in the source's parent links is cut where it closes, so bad
 * data yields a smaller tree rather than a hang.
 */
export function buildUnitTree (units: Iterable<UnitRecord>): UnitTree {
  const byId = new Map<string, UnitRecord>()
  for (const unit of units) byId.set(unit.id, unit)
  const ancestors = new Map<string, ReadonlySet<string>>()

  function ancestorsOf (unitId: string): ReadonlySet<string> {
    const known = ancestors.get(unitId)
    if (known) return known
    const chain = new Set<string>()
    let current: string | null | undefined = unitId
    while (current != null && !chain.has(current)) {
      const cached = ancestors.get(current)
      if (cached) {
        for (const id of cached) chain.add(id)
        break
      }
      chain.add(current)
      current = byId.get(current)?.parent_id
    }
    ancestors.set(unitId, chain)
    return chain
  }

  return {
    has: (unitId) => byId.has(unitId),
    isWithin: (unitId, ancestorId) => unitId === ancestorId || ancestorsOf(unitId).has(ancestorId),
    ancestors: ancestorsOf,
    kindOf: (unitId) => byId.get(unitId)?.kind ?? undefined,
    nameOf: (unitId) => byId.get(unitId)?.name ?? undefined
  }
}
