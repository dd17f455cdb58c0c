import type { Entry } from 'ldapts'
import { dnKey, type DirectoryGroup } from './directory-records.js'
import { entryAttributes, firstText, type EntryValue } from './entry-values.js'
import { attributePart, readAllValues } from './ranged-attribute.js'

/** groupOfNames and AD groups list members in `member`, groupOfUniqueNames in `uniqueMember`. */
export const MEMBER_ATTRIBUTES = ['member', 'uniqueMember'] as const

export const GROUP_ATTRIBUTE_NAMES = ['cn', ...MEMBER_ATTRIBUTES]

/**
 * A group entry as a DirectoryGroup. `groupKeys` holds the `dnKey`s of every group the
 * search returns, so members are split by DN into nested groups and the rest. Ranged
 * member lists (AD) are completed with `fetchRange`.
 */
export async function toDirectoryGroup (
  entry: Entry,
  groupKeys: ReadonlySet<string>,
  fetchRange: (request: string) => Promise<ReadonlyMap<string, EntryValue[]>>
): Promise<DirectoryGroup> {
  const attributes = entryAttributes(entry)
  const memberDns: string[] = []
  for (const attribute of MEMBER_ATTRIBUTES) {
    const values = await readAllValues(attribute, attributePart(attributes, attribute), fetchRange)
    for (const value of values) memberDns.push(withoutUid(typeof value === 'string' ? value : value.toString('utf8')))
  }
  const members = new Set<string>()
  const nested = new Set<string>()
  const self = dnKey(entry.dn)
  for (const dn of memberDns) {
    const key = dnKey(dn)
    if (key === self) continue // a group listing itself adds nothing
    ;(groupKeys.has(key) ? nested : members).add(key)
  }
  return { dn: entry.dn, cn: firstText(attributes, 'cn') ?? firstRdnValue(entry.dn), members: [...members], nested_groups: [...nested] }
}

/** uniqueMember is "Name and Optional UID" (RFC 4517 §3.3.21): `cn=a,dc=b#'0101'B`. */
function withoutUid (value: string): string {
  return value.replace(/#'[01]*'B$/, '')
}

function firstRdnValue (dn: string): string {
  const first = /^[^=]*=((?:\\.|[^,\\])*)/.exec(dn)
  return (first?.[1] ?? dn).trim()
}
