import { normaliseDn } from '../mapping/dn-normaliser.js'

/**
 * What the directory readers yield: one person entry, normalised across OpenLDAP and AD.
 * Attribute values are the entry's first value; absent attributes are null.
 */
export interface DirectoryAccount {
  /** The entry's DN as the directory spells it; compare with `dnKey`. */
  dn: string
  /** The configured immutable id (entryUUID; AD objectGUID as its usual text form). */
  unique_id: string
  employee_number: string | null
  email: string | null
  display_name: string | null
  given_name: string | null
  family_name: string | null
  /** AD ACCOUNTDISABLE, or the configured attribute (attributes.disabled, disabled_attribute). */
  disabled: boolean
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
 * The form DNs are compared in: `normaliseDn` (src/mapping, which the mapping rules'
 * `groups` use too) after hex pairs are decoded, so `cn=Handl\C3\A4ggare` and
 * `cn=Handläggare`, or `cn=Lindqvist\2C Per` and `cn=Lindqvist\, Per`, are one DN.
 */
export function dnKey (dn: string): string {
  return normaliseDn(decodeHexPairs(dn))
}

// RFC 4514 §2.4: characters that must stay escaped anywhere in an attribute value. (A
// space or `#` needs escaping only at the ends of a value; decoded there, it is trimmed
// or kept literal, which only matters for DNs no directory hands out.)
const DN_SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '='])

/**
 * Replaces runs of `\XX` hex pairs (RFC 4514 §2.4) by the UTF-8 text they encode; a
 * character that is special in DNs is kept escaped as `\c`. A run that is not valid UTF-8
 * is left as it was. `\,`-style escapes pass unchanged.
 */
function decodeHexPairs (dn: string): string {
  if (!dn.includes('\\')) return dn
  return dn.replace(/(?:\\[0-9A-Fa-f]{2})+/g, (run, offset: number) => {
    // An escaped backslash before the run (`\\41`) makes the run literal text.
    if (precededByOddBackslashes(dn, offset)) return run
    const bytes = Buffer.from(run.replace(/\\/g, ''), 'hex')
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      return run
    }
    return [...text].map((c) => DN_SPECIAL.has(c) || c < ' ' ? `\\${c < ' ' ? c.charCodeAt(0).toString(16).padStart(2, '0') : c}` : c).join('')
  })
}

function precededByOddBackslashes (text: string, offset: number): boolean {
  let count = 0
  for (let i = offset - 1; i >= 0 && text[i] === '\\'; i--) count++
  return count % 2 === 1
}
