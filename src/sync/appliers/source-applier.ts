import type { Transaction } from 'kysely'
import type { Database } from '../../store/database-types.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { EmploymentDiff, RunScope } from '../apply-repository.js'
import type { PushChange } from '../push-change.js'

/** One run's staged read, about to be applied in the engine's transaction. */
export interface ApplyRequest {
  trx: Transaction<Database>
  scope: RunScope
  /** A full read: whatever the source no longer lists has ended. */
  full: boolean
  /** What `diff` counted (with nothing ended when the read was incremental). */
  diff: EmploymentDiff
}

/** What applying adds to the run: its kind's own counts, and the accounts left without a person. */
export interface Applied {
  counts: Record<string, unknown>
  unmatched?: unknown[]
}

/**
 * What each kind of source data implements for the sync engine, which stages every kind
 * the same way and knows none: count what a staged run would change (for the safety
 * threshold), then apply it.
 */
export interface SourceApplier {
  diff (trx: Transaction<Database>, scope: RunScope): Promise<EmploymentDiff>
  apply (request: ApplyRequest): Promise<Applied>
}

/** An applier that also takes pushes: one write staged and applied incrementally in the pusher's transaction. */
export interface PushApplier {
  push (trx: Transaction<Database>, scope: RunScope, change: PushChange<unknown>, box: SecretBox): Promise<Applied>
}
