import { dnKey } from '../directory/directory-records.js'
import type { AccountRecord, GroupRecord } from '../sources/source-records.js'
import { ENTERPRISE_USER_SCHEMA } from './scim-urns.js'

/**
 * What a SCIM resource means to the sync engine: Users are directory accounts, Groups are
 * directory groups. SCIM has no DNs, so behorig gives each resource one under `o=scim`, in
 * the form mapping rules name groups by (`dnKey`):
 *   User  → uid=<id>,ou=users,ou=<source>,o=scim            (stable: the id never changes)
 *   Group → cn=<displayName>,ou=groups,ou=<source>,o=scim   (follows a rename)
 */
export function userDn (source: string, id: string): string {
  return dnKey(`uid=${escapeDnValue(id)},ou=users,ou=${escapeDnValue(source)},o=scim`)
}

export function groupDn (source: string, displayName: string): string {
  return dnKey(`cn=${escapeDnValue(displayName.trim())},ou=groups,ou=${escapeDnValue(source)},o=scim`)
}

/** RFC 4514 §2.4: escape the specials, a leading `#` or space, a trailing space, and control characters. */
export function escapeDnValue (value: string): string {
  let escaped = ''
  for (const c of value) {
    if (',+"\\<>;='.includes(c)) escaped += `\\${c}`
    else if (c < ' ' || c === '\u007f') escaped += `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`
    else escaped += c
  }
  if (escaped.startsWith(' ') || escaped.startsWith('#')) escaped = `\\${escaped}`
  if (escaped.endsWith(' ') && !escaped.endsWith('\\ ')) escaped = `${escaped.slice(0, -1)}\\ `
  return escaped
}

type Resource = Record<string, unknown>

export function accountRecord (id: string, dn: string, user: Resource): AccountRecord {
  const name = asObject(user['name'])
  const enterprise = asObject(user[ENTERPRISE_USER_SCHEMA])
  return {
    unique_id: id,
    dn,
    employee_number: asText(enterprise['employeeNumber']),
    email: preferredEmail(user['emails']),
    display_name: asText(user['displayName']),
    given_name: asText(name['givenName']),
    family_name: asText(name['familyName']),
    // The name an eduPersonPrincipalName login gives, e.g. anna.svensson@exempelkommun.se.
    username: asText(user['userName']),
    disabled: user['active'] === false
  }
}

export function groupRecord (dn: string, group: Resource, memberDns: string[]): GroupRecord {
  return { dn, cn: asText(group['displayName']), members: [...new Set(memberDns)].sort() }
}

/** The primary address, else the work address, else the first (RFC 7643 §4.1.2). */
function preferredEmail (emails: unknown): string | null {
  if (!Array.isArray(emails)) return null
  const usable = emails.map(asObject).filter((email) => asText(email['value']) !== null)
  const chosen = usable.find((email) => email['primary'] === true) ??
    usable.find((email) => asText(email['type'])?.toLowerCase() === 'work') ?? usable[0]
  return chosen ? asText(chosen['value']) : null
}

function asObject (value: unknown): Resource {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Resource : {}
}

function asText (value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}
