import type { Entry } from 'ldapts'
import type { DirectoryAccount } from './directory-records.js'
import { entryAttributes, firstText, allText, type EntryValue } from './entry-values.js'
import { parseGeneralizedTime } from './generalized-time.js'
import { directoryFlavour, type LdapSourceConfig } from './ldap-source-config.js'
import { DirectorySearchRefused } from './errors.js'

type AccountSettings = Pick<LdapSourceConfig, 'attributes' | 'disabled_attribute'>

/** AD userAccountControl ACCOUNTDISABLE (MS-ADTS 2.2.16). */
const ACCOUNTDISABLE = 2

/** The attributes a person search asks for; the change markers are operational, so they are named. */
export function accountAttributeNames (config: AccountSettings): string[] {
  const a = config.attributes
  const markers = directoryFlavour(config) === 'active-directory' ? ['whenChanged', 'uSNChanged'] : ['modifyTimestamp']
  const names = [a.unique_id, a.employee_number, a.email, a.display_name, a.given_name, a.family_name, ...(a.hsa_id ? [a.hsa_id] : []), ...(a.username ? [a.username] : []), ...(a.disabled ? [a.disabled] : []), ...markers]
  return [...new Map(names.map((n) => [n.toLowerCase(), n])).values()]
}

/** Attributes to receive as bytes: AD's objectGUID is binary and may happen to be valid UTF-8. */
export function binaryAttributeNames (config: AccountSettings): string[] {
  return config.attributes.unique_id.toLowerCase() === 'objectguid' ? [config.attributes.unique_id, 'objectGUID'] : []
}

/** A person entry as a DirectoryAccount. Throws `directory-search-refused` when the entry lacks its unique id. */
export function toDirectoryAccount (entry: Entry, config: AccountSettings): DirectoryAccount {
  const values = entryAttributes(entry)
  const a = config.attributes
  const uniqueId = uniqueIdText(values.get(a.unique_id.toLowerCase())?.[0])
  if (uniqueId === null) {
    throw DirectorySearchRefused(`Entry ${entry.dn} has no ${a.unique_id} (the attribute configured as attributes.unique_id), so it cannot be followed across runs`)
  }
  const ad = directoryFlavour(config) === 'active-directory'
  const modifiedAt = parseTimestamp(firstText(values, ad ? 'whenChanged' : 'modifyTimestamp'))
  return {
    dn: entry.dn,
    unique_id: uniqueId,
    employee_number: firstText(values, a.employee_number),
    email: firstText(values, a.email),
    display_name: firstText(values, a.display_name),
    given_name: firstText(values, a.given_name),
    family_name: firstText(values, a.family_name),
    // Only where configured: an account of a source that does not read it has no HSA-id to compare.
    ...(a.hsa_id ? { hsa_id: firstText(values, a.hsa_id) } : {}),
    ...(a.username ? { username: firstText(values, a.username) } : {}),
    disabled: a.disabled ? isDisabled(allText(values, a.disabled), a.disabled, config.disabled_attribute) : false,
    modified_at: modifiedAt,
    change_mark: ad ? updateSequenceNumber(firstText(values, 'uSNChanged')) ?? null : modifiedAt
  }
}

/**
 * An AD update sequence number (uSNChanged, highestCommittedUSN): 64 bits unsigned, as
 * decimal text; undefined for anything else. A uSNChanged that is not one is no change mark:
 * stored, it would make the next incremental run's filter fail (ldap-reader checks it), so
 * such an entry only leaves the run without a mark from it, and a run with none at all is
 * followed by a full one.
 */
export function updateSequenceNumber (value: string | null): string | undefined {
  const text = value?.trim() ?? ''
  return /^\d{1,20}$/.test(text) && BigInt(text) < 2n ** 64n ? text : undefined
}

/**
 * Read as disabled_attribute says; without it, userAccountControl is read as AD's bit
 * field (ACCOUNTDISABLE) and any other attribute as an LDAP boolean (`TRUE`).
 */
export function isDisabled (values: string[], attribute: string, how: LdapSourceConfig['disabled_attribute']): boolean {
  const rule = how ?? (attribute.toLowerCase() === 'useraccountcontrol' ? { bitmask: ACCOUNTDISABLE } : { values: ['TRUE'] })
  if ('bitmask' in rule) {
    const mask = BigInt(rule.bitmask)
    return values.some((v) => /^-?\d+$/.test(v.trim()) && (BigInt.asUintN(64, BigInt(v.trim())) & mask) !== 0n)
  }
  const wanted = new Set(rule.values.map((v) => v.toLowerCase()))
  return values.some((v) => wanted.has(v.toLowerCase()))
}

function uniqueIdText (value: EntryValue | undefined): string | null {
  if (value === undefined) return null
  if (typeof value === 'string') return value === '' ? null : value
  return value.length === 16 ? guidText(value) : value.length > 0 ? value.toString('hex') : null
}

/** objectGUID's usual text form: the first three groups are stored little-endian (MS-DTYP 2.3.4). */
function guidText (b: Buffer): string {
  const hex = (bytes: number[]): string => bytes.map((i) => (b[i] as number).toString(16).padStart(2, '0')).join('')
  return `${hex([3, 2, 1, 0])}-${hex([5, 4])}-${hex([7, 6])}-${hex([8, 9])}-${hex([10, 11, 12, 13, 14, 15])}`
}

function parseTimestamp (value: string | null): string | null {
  return value === null ? null : parseGeneralizedTime(value)
}
