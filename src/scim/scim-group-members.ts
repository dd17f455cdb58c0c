import type { GroupRecord } from '../sources/source-records.js'
import type { ScimRepository, ScimScope, StoredResource } from './repository.js'
import { groupRecord } from './scim-directory-records.js'
import { invalidValue } from './scim-errors.js'

type Member = Record<string, unknown>

export const membersOf = (group: StoredResource): Member[] =>
  Array.isArray(group.resource['members']) ? group.resource['members'] as Member[] : []

const memberId = (member: Member): string => String(member['value']).toLowerCase()

/**
 * The group as the sync engine reads it: its DN, cn and its members' DNs. Members are
 * Users and Groups of the same source, by id. When `strict`, a member that does not exist
 * or is the group itself is a 400 (the write that names it is refused); groups re-emitted
 * because a member changed are read leniently.
 */
export async function groupRecordOf (repo: ScimRepository, scope: ScimScope, group: StoredResource, strict: boolean): Promise<GroupRecord> {
  const members = membersOf(group)
  const found = await repo.findByIds(scope, members.map(memberId))
  const dnById = new Map(found.map((resource) => [resource.id.toLowerCase(), resource.dn]))
  const dns: string[] = []
  for (const [index, member] of members.entries()) {
    const id = memberId(member)
    const dn = dnById.get(id)
    if (strict && id === group.id.toLowerCase()) throw invalidValue(`members[${index}]: a group cannot be a member of itself`)
    if (strict && dn === undefined) throw invalidValue(`members[${index}]: no User or Group with id "${String(member['value'])}" in this organisation; create it before adding it to a group`)
    if (dn !== undefined) dns.push(dn)
  }
  return groupRecord(group.dn, group.resource, dns)
}

/** The groups holding `id`, with it removed from their member lists (the member is being deleted). */
export async function withoutMember (repo: ScimRepository, scope: ScimScope, id: string, now: Date): Promise<StoredResource[]> {
  const parents = await repo.groupsWithMember(scope, id)
  const updated: StoredResource[] = []
  for (const parent of parents) {
    const members = membersOf(parent).filter((member) => memberId(member) !== id.toLowerCase())
    const next = { ...parent, resource: { ...parent.resource, members }, version: parent.version + 1, updated: now }
    await repo.update(scope, next)
    updated.push(next)
  }
  return updated
}
