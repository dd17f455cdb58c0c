import type { Entry, SearchOptions } from 'ldapts'
import type { DirectoryAccount, DirectoryGroup } from './directory-records.js'
import { dnKey } from './directory-records.js'
import { openDirectory, type DirectoryGuard, type DirectorySession } from './directory-session.js'
import { accountAttributeNames, binaryAttributeNames, toDirectoryAccount, updateSequenceNumber } from './account-entry.js'
import { GROUP_ATTRIBUTE_NAMES, toDirectoryGroup } from './group-entry.js'
import { entryAttributes, firstText, type EntryValue } from './entry-values.js'
import { andFilter, comparisonFilter } from './ldap-filter.js'
import { toGeneralizedTime } from './generalized-time.js'
import { directoryFlavour, type LdapSourceConfig } from './ldap-source-config.js'

export interface ReadOptions {
  signal?: AbortSignal
  /** Called with the number of entries of each page as it arrives (progress, tests). */
  onPage?: (entries: number) => void
}

export interface ChangedSinceOptions extends ReadOptions {
  /**
   * Read only entries changed at or after this mark (an incremental run): on LDAP an ISO
   * 8601 instant or GeneralizedTime compared with modifyTimestamp, on Active Directory a
   * uSNChanged number — the largest `change_mark` of the previous run. `>=`, so entries of
   * the mark's own second are read again rather than missed. Deletions are not seen: only
   * full runs (without since) notice them.
   */
  since?: string
}

/** Reads one ldap source. Each call opens its own connection and closes it when the iteration ends. */
export interface DirectoryReader {
  /** Person entries under user_base_dn matching user_filter, page by page (page_size). */
  readAccounts (options?: ChangedSinceOptions): AsyncGenerator<DirectoryAccount>
  /** Group entries under group_base_dn matching group_filter (changed since `since`, when given); nothing when group_base_dn is not set. */
  readGroups (options?: ChangedSinceOptions): AsyncGenerator<DirectoryGroup>
  /**
   * Active Directory's highestCommittedUSN from the root DSE (MS-ADTS 3.1.1.3.2.12): no
   * change this domain controller commits later has a lower uSNChanged. Undefined when the
   * directory does not publish one (OpenLDAP) or publishes something that is not a number.
   */
  highestCommittedUsn (options?: ReadOptions): Promise<string | undefined>
}

/**
 * A reader for an ldap source config (see parseLdapSourceConfig; `bind_password` opened).
 * Entries are streamed: at most one page of them is held at a time. A failure (directory
 * down, bind refused, timeout) throws a directory problem, possibly after some entries
 * were yielded, so the consumer must apply nothing until the iteration completes.
 */
export function ldapReader (config: LdapSourceConfig, outbound: DirectoryGuard): DirectoryReader {
  return {
    async * readAccounts (options = {}) {
      const filter = options.since === undefined ? config.user_filter : andFilter(config.user_filter, changedSince(config, options.since))
      const search = { filter, attributes: accountAttributeNames(config), explicitBufferAttributes: binaryAttributeNames(config) }
      const session = await openDirectory(config, outbound, options.signal)
      try {
        for await (const page of pages(session, config.user_base_dn, search, config.page_size, options)) {
          for (const entry of page) yield toDirectoryAccount(entry, config)
        }
      } finally {
        await session.close()
      }
    },

    async * readGroups (options = {}) {
      const baseDn = config.group_base_dn
      if (baseDn === undefined) return
      const session = await openDirectory(config, outbound, options.signal)
      try {
        // First the groups' DNs only, so members can be told apart as groups or not while
        // the groups stream (a member may be a group that comes on a later page).
        const groupKeys = new Set<string>()
        for await (const page of pages(session, baseDn, { filter: config.group_filter, attributes: ['1.1'] }, config.page_size, {})) {
          for (const entry of page) groupKeys.add(dnKey(entry.dn))
        }
        // Incremental: only groups changed since the mark (a membership change touches the group).
        const filter = options.since === undefined ? config.group_filter : andFilter(config.group_filter, changedSince(config, options.since))
        const search = { filter, attributes: GROUP_ATTRIBUTE_NAMES }
        for await (const page of pages(session, baseDn, search, config.page_size, options)) {
          for (const entry of page) yield await toDirectoryGroup(entry, groupKeys, (request) => readRange(session, entry.dn, request))
        }
      } finally {
        await session.close()
      }
    },

    async highestCommittedUsn (options = {}) {
      const session = await openDirectory(config, outbound, options.signal)
      try {
        const { searchEntries } = await session.run({ step: 'search', baseDn: '' }, () =>
          session.client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['highestCommittedUSN'] }))
        return updateSequenceNumber(firstText(entryAttributes(searchEntries[0] ?? { dn: '' }), 'highestCommittedUSN'))
      } finally {
        await session.close()
      }
    }
  }
}

/** The incremental clause; `since` is checked and escaped, never pasted. */
function changedSince (config: LdapSourceConfig, since: string): string {
  if (directoryFlavour(config) === 'active-directory') {
    if (!/^\d+$/.test(since)) throw new RangeError(`since must be a uSNChanged number on Active Directory, got ${JSON.stringify(since)}`)
    return comparisonFilter('uSNChanged', '>=', since)
  }
  const time = toGeneralizedTime(since)
  if (time === null) throw new RangeError(`since must be an ISO 8601 instant with a time zone or a GeneralizedTime, got ${JSON.stringify(since)}`)
  return comparisonFilter('modifyTimestamp', '>=', time)
}

/** A paged subtree search (RFC 2696), one page per iteration; every page request is limited by timeout_seconds. */
async function * pages (session: DirectorySession, baseDn: string, search: SearchOptions, pageSize: number, options: ReadOptions): AsyncGenerator<Entry[]> {
  const step = { step: 'search', baseDn } as const
  const results = session.client.searchPaginated(baseDn, { ...search, scope: 'sub', paged: { pageSize } })
  try {
    while (true) {
      const page = await session.run(step, () => results.next())
      if (page.done) return
      options.onPage?.(page.value.searchEntries.length)
      // Search references (AD: DomainDnsZones, other domains) are not followed.
      yield page.value.searchEntries
    }
  } finally {
    await results.return(undefined)
  }
}

async function readRange (session: DirectorySession, dn: string, request: string): Promise<ReadonlyMap<string, EntryValue[]>> {
  const { searchEntries } = await session.run({ step: 'search', baseDn: dn }, () =>
    session.client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [request] }))
  const entry = searchEntries[0]
  return entry ? entryAttributes(entry) : new Map()
}
