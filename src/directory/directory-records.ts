import { normaliseDn } from './dn-normaliser.js'
import type { AccountRecord } from '../sources/source-records.js'

/**
 * What the directory readers yield: one person entry, normalised across OpenLDAP and AD,
 * as the AccountRecord the sync engine takes — except that `dn` is spelled as the directory
 * spells it (the connector compares with `dnKey`) — plus its change marker. Attribute values
 * are the entry's first value; absent attributes are null; `unique_id` is the configured
 * immutable id (entryUUID; AD objectGUID in its usual text form); `disabled` is AD
 * ACCOUNTDISABLE or the configured attribute.
 */
export interface DirectoryAccount extends AccountRecord {
  /** modifyTimestamp (AD: whenChanged) as an ISO 8601 UTC instant. */
  modified_at: string | null
  /**
   * What to pass as `since` to read only later changes: the entry's modifyTimestamp as ISO
   * 8601, or on Active Directory its uSNChanged (a number, per domain controller). The next
   * incremental run uses the largest mark of the previous run.
   */
  change_mark: string | null
}

/** One group entry, with its direct members split into groups and everything else. */
export interface DirectoryGroup {
  /** The group's DN as the directory spells it (readable in explanations); compare with `dnKey`. */
  dn: string
  /** The group's cn (else the value of its first RDN). Not unique: groups are told apart by DN only. */
  cn: string
  /** Direct members that are not groups read by the same search (accounts, or entries not read), as `dnKey`s. */
  members: string[]
  /** Direct members that are groups read by the same search, as `dnKey`s. */
  nested_groups: string[]
}

/**
 * The form DNs are compared in everywhere (directory members, person groups, mapping
 * rules' `groups`): `normaliseDn`, which also decodes hex pairs, so `cn=Handl\C3\A4ggare`
 * and `cn=Handläggare`, or `cn=Lindqvist\2C Per` and `cn=Lindqvist\, Per`, are one DN.
 */
export const dnKey = normaliseDn
