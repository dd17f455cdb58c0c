import { createHash } from 'node:crypto'
import type { SourceConfig } from '../sources/source-config.js'
import type { ReadPlan, SourceConnector } from '../sources/source-connector.js'
import type { SourceItem } from '../sources/source-records.js'
import { dnKey, type DirectoryAccount, type DirectoryGroup } from './directory-records.js'
import { directoryFlavour, parseLdapSourceConfig, type LdapSourceConfig } from './ldap-source-config.js'
import type { DirectoryReader } from './ldap-reader.js'
import { updateSequenceNumber } from './account-entry.js'

/** What an ldap source remembers between runs (sources.state). */
export type LdapSourceState = {
  /** Read from this mark next time (modifyTimestamp as ISO 8601, or AD uSNChanged). */
  change_mark?: string
  /** Incremental runs since the last full one. */
  runs_since_full?: number
  /** readScopeDigest of the config the mark was taken under. */
  config_digest?: string
}

/**
 * The ldap source as a sync-engine connector. A full run reads every account and group, so
 * accounts it no longer sees have ended; the runs between (config.full_every) read only
 * entries changed since the previous run's mark and end nothing. Each run says what the
 * source's state becomes if it succeeds. After a change to what is read or how accounts
 * are linked (directory, base DNs, filters, attributes, correlation), the next run is full:
 * the mark says nothing about entries the old filter left out.
 */
export function ldapConnector (source: SourceConfig, state: Record<string, unknown>, reader: (config: LdapSourceConfig) => DirectoryReader, now: () => number = Date.now): SourceConnector | undefined {
  if (source.kind !== 'ldap') return undefined
  const config = parseLdapSourceConfig(source.config)
  const previous = state as LdapSourceState
  const digest = readScopeDigest(config)
  return {
    kind: 'ldap',

    plan (requested) {
      const due = (previous.runs_since_full ?? 0) + 1 >= config.full_every
      const reconfigured = previous.config_digest !== digest
      const since = new ChangeMark(directoryFlavour(config), previous.change_mark).value
      if (requested === 'full' || since === undefined || due || reconfigured) return { mode: 'full' }
      return { mode: 'incremental', since }
    },

    read (plan: ReadPlan = { mode: 'full' }) {
      const flavour = directoryFlavour(config)
      // The mark is never later than where the directory stood when the run began. An entry
      // changed while the run reads may have been passed already, while a later change to
      // another entry is read and raises the mark above it: the next run must still see it.
      // Active Directory says where it stands (highestCommittedUSN, read first thing); an
      // OpenLDAP time is only known from entries, so behorig's clock stands in, less the
      // skew allowed (clock_skew_seconds).
      const mark = new ChangeMark(flavour, plan.mode === 'incremental' ? plan.since : previous.change_mark)
      if (flavour === 'ldap') mark.ceiling = new Date(now() - config.clock_skew_seconds * 1000).toISOString()
      const directory = reader(config)
      const since = plan.mode === 'incremental' ? plan.since : undefined
      return {
        items: readItems(directory, since, mark, flavour === 'active-directory'),
        nextState: (): LdapSourceState => {
          const value = mark.atMost(mark.ceiling)
          return {
            ...(value !== undefined ? { change_mark: value } : {}),
            runs_since_full: plan.mode === 'full' ? 0 : (previous.runs_since_full ?? 0) + 1,
            config_digest: digest
          }
        }
      }
    }
  }
}

async function * readItems (directory: DirectoryReader, since: string | undefined, mark: ChangeMark, askUsn: boolean): AsyncGenerator<SourceItem> {
  if (askUsn) mark.ceiling = await directory.highestCommittedUsn()
  let row = 0
  for await (const account of directory.readAccounts(since === undefined ? {} : { since })) {
    mark.see(account.change_mark)
    yield { type: 'account', row, pointer: `/accounts/${row}`, record: accountRecord(account) }
    row++
  }
  let groupRow = 0
  for await (const group of directory.readGroups(since === undefined ? {} : { since })) {
    yield { type: 'group', row: groupRow, pointer: `/groups/${groupRow}`, record: groupRecord(group) }
    groupRow++
  }
}

export function accountRecord (account: DirectoryAccount) {
  return {
    unique_id: account.unique_id,
    dn: dnKey(account.dn),
    employee_number: account.employee_number,
    email: account.email,
    display_name: account.display_name,
    given_name: account.given_name,
    family_name: account.family_name,
    ...(account.hsa_id === undefined ? {} : { hsa_id: account.hsa_id }),
    ...(account.username === undefined ? {} : { username: account.username }),
    disabled: account.disabled
  }
}

export function groupRecord (group: DirectoryGroup) {
  return { dn: dnKey(group.dn), cn: group.cn, members: [...group.members, ...group.nested_groups] }
}

/** What a change mark depends on: the settings that decide which entries are read and how they are linked. */
export function readScopeDigest (config: LdapSourceConfig): string {
  const scope = {
    url: config.url,
    user_base_dn: config.user_base_dn,
    user_filter: config.user_filter,
    group_base_dn: config.group_base_dn,
    group_filter: config.group_filter,
    attributes: config.attributes,
    disabled_attribute: config.disabled_attribute,
    correlation: config.correlation
  }
  return createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 22)
}

/** The largest change mark seen: ISO 8601 instants compare as text, AD uSNs as numbers. */
export class ChangeMark {
  value: string | undefined
  /** Where the directory stood when the run began, when known: the mark left is at most this. */
  ceiling: string | undefined

  /** `start`: the previous run's mark; an AD one that is not a number (stored before it was checked) is dropped. */
  private readonly flavour: 'ldap' | 'active-directory'
  constructor (flavour: 'ldap' | 'active-directory', start: string | undefined) {
    this.flavour = flavour
    this.value = flavour === 'active-directory' && start !== undefined ? updateSequenceNumber(start) : start
  }

  see (mark: string | null): void {
    if (mark === null) return
    if (this.value === undefined || this.later(mark, this.value)) this.value = mark
  }

  /** The mark, or `ceiling` when that is earlier. */
  atMost (ceiling: string | undefined): string | undefined {
    return this.value !== undefined && ceiling !== undefined && this.later(this.value, ceiling) ? ceiling : this.value
  }

  private later (a: string, b: string): boolean {
    return this.flavour === 'active-directory' ? BigInt(a) > BigInt(b) : a > b
  }
}
