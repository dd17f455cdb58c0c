import type { AccountRecord, GroupRecord, SourceItem } from '../sources/source-records.js'

/** What one push changes; see the sync engine's `push`. */
export interface PushChange<T> {
  result: T
  accounts?: AccountRecord[]
  groups?: GroupRecord[]
  /** unique_ids of accounts the source deleted. */
  endAccounts?: string[]
  /** DNs of groups the source deleted. */
  removeGroups?: string[]
}

/** The accounts and groups a push reports, as the items a pulled read would yield. */
export async function * pushItems (change: PushChange<unknown>): AsyncGenerator<SourceItem> {
  for (const [row, record] of (change.accounts ?? []).entries()) yield { type: 'account', row, pointer: `/accounts/${row}`, record }
  for (const [row, record] of (change.groups ?? []).entries()) yield { type: 'group', row, pointer: `/groups/${row}`, record }
}
