import type { SourceItem } from './source-records.js'

export type SourceKind = 'hr' | 'scim' | 'ldap'

/**
 * What every pulling connector implements: one call reads the source's full current
 * picture as a stream of normalised items. Items are yielded as they are read, never
 * collected, so a consumer stages them as they come.
 *
 * A connector throws a ProblemError when the source as a whole is unusable (unreadable
 * file, unreachable directory). It may throw after it has yielded items, so the consumer
 * applies nothing until the iteration has completed.
 */
export interface SourceConnector {
  readonly kind: SourceKind
  read (options?: { signal?: AbortSignal }): AsyncIterable<SourceItem>
}
