import type { SourceItem } from './source-records.js'

/** Every kind of source; the source schemas (schemas/source*.schema.json) list the same. */
export const SOURCE_KINDS = ['hr', 'scim', 'ldap'] as const
export type SourceKind = typeof SOURCE_KINDS[number]

/**
 * How a run reads its source. full: the source's whole current picture, so whatever it no
 * longer lists has ended. incremental: only what changed since `since` (a connector's own
 * change mark); nothing ends.
 */
export type ReadPlan = { mode: 'full' } | { mode: 'incremental', since: string }

/** One read: the items, and what the source's state becomes when the run they feed succeeds. */
export interface SourceRead {
  items: AsyncIterable<SourceItem>
  /** Called after `items` is exhausted; kept on the run and stored when it succeeds. */
  nextState?: () => Record<string, unknown>
}

/**
 * What every pulling connector implements: one call reads the source as a stream of
 * normalised items. Items are yielded as they are read, never collected, so a consumer
 * stages them as they come.
 *
 * A connector throws a ProblemError when the source as a whole is unusable (unreadable
 * file, unreachable directory). It may throw after it has yielded items, so the consumer
 * applies nothing until the iteration has completed.
 */
export interface SourceConnector {
  readonly kind: SourceKind
  /** How the next run should read (connectors without change marks always read in full). */
  plan?: (requested?: 'full') => ReadPlan
  read: (plan?: ReadPlan) => SourceRead
}
