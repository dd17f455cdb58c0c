import { dnKey, type DirectoryGroup } from './directory-records.js'

/** A group the person belongs to, directly or through nesting. */
export interface GroupFact {
  dn: string
  /**
   * For nested membership: the DNs from the group the person is a direct member of up to,
   * but not including, `dn`. Empty or absent for direct membership.
   */
  via?: string[]
}

interface KnownGroup {
  /** The DN as the directory spells it, for explanations. */
  dn: string
  /** Keys of the groups that list this one as a member. */
  parents: string[]
}

interface Ancestor { key: string, via: string[] }

/**
 * Transitive group membership, by DN only: two groups both called `cn=Handläggare` in
 * different branches are different groups. Feed it every group with `add`, then ask
 * `groupsOf(accountDn)`. Nesting is followed upwards breadth-first, so each group is
 * reached by its shortest path, and a group already reached is not entered again: cycles
 * (G1 ⊃ G2 ⊃ G1) end there.
 */
export class GroupResolver {
  private readonly groups = new Map<string, KnownGroup>()
  private readonly directGroups = new Map<string, string[]>()
  private readonly ancestors = new Map<string, Ancestor[]>()

  add (group: DirectoryGroup): void {
    const key = dnKey(group.dn)
    const known = this.groups.get(key)
    if (known) known.dn = group.dn
    else this.groups.set(key, { dn: group.dn, parents: [] })
    for (const child of group.nested_groups) this.groupFor(child).parents.push(key)
    for (const member of group.members) {
      const list = this.directGroups.get(member)
      if (list) list.push(key)
      else this.directGroups.set(member, [key])
    }
    this.ancestors.clear()
  }

  /**
   * Every group `accountDn` belongs to: direct memberships (`via` empty) and, through
   * nesting, the others with `via` listing the groups from the direct one up to (not
   * including) `dn` — "member of A via B" is `{ dn: A, via: [B] }`. Direct first, then by
   * path length; where several paths lead to a group, the shortest is kept.
   */
  groupsOf (accountDn: string): GroupFact[] {
    const best = new Map<string, string[]>()
    const direct = [...new Set(this.directGroups.get(dnKey(accountDn)) ?? [])].sort()
    for (const key of direct) best.set(key, [])
    for (const key of direct) {
      for (const ancestor of this.ancestorsOf(key)) {
        const known = best.get(ancestor.key)
        if (!known || known.length > ancestor.via.length) best.set(ancestor.key, ancestor.via)
      }
    }
    return [...best]
      .sort(([a, viaA], [b, viaB]) => viaA.length - viaB.length || (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, via]) => ({ dn: this.display(key), via: via.map((k) => this.display(k)) }))
  }

  /** Every member that is not a group (by `dnKey`), with its groups: the whole picture, for a full run. */
  * memberships (): Generator<[string, GroupFact[]]> {
    for (const member of this.directGroups.keys()) yield [member, this.groupsOf(member)]
  }

  /** Groups containing `key`, nearest first, each with the path from `key` (inclusive) up to it (exclusive). */
  private ancestorsOf (key: string): Ancestor[] {
    const cached = this.ancestors.get(key)
    if (cached) return cached
    const found: Ancestor[] = []
    const seen = new Set([key])
    let frontier: Ancestor[] = [{ key, via: [] }]
    while (frontier.length > 0) {
      const next: Ancestor[] = []
      for (const { key: current, via } of frontier) {
        const path = [...via, current]
        for (const parent of [...(this.groups.get(current)?.parents ?? [])].sort()) {
          if (seen.has(parent)) continue
          seen.add(parent)
          found.push({ key: parent, via: path })
          next.push({ key: parent, via: path })
        }
      }
      frontier = next
    }
    this.ancestors.set(key, found)
    return found
  }

  private groupFor (key: string): KnownGroup {
    let group = this.groups.get(key)
    if (!group) {
      group = { dn: key, parents: [] }
      this.groups.set(key, group)
    }
    return group
  }

  private display (key: string): string {
    return this.groups.get(key)?.dn ?? key
  }
}

/** "cn=A,… via cn=B,… → cn=C,…": a membership in words, for logs and explanations. */
export function describeMembership (fact: GroupFact): string {
  return fact.via && fact.via.length > 0 ? `${fact.dn} via ${fact.via.join(' → ')}` : fact.dn
}
