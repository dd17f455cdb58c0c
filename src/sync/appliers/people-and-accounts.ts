import type { EmploymentDiff, RunScope } from '../apply-repository.js'
import type { DirectoryApplyRepository } from '../directory-apply-repository.js'

/** What a push deleted: accounts it ended, groups it removed. Runs read from a source delete nothing. */
export interface Gone { accounts: string[], groups: string[] }
export const NOTHING_GONE: Gone = { accounts: [], groups: [] }

export const anyChange = (diff: EmploymentDiff): boolean => diff.created + diff.updated + diff.ended > 0

/**
 * Only after a bulk change: ANALYZE holds its lock to the end of this transaction,
 * so it would queue other organisations' runs behind this one.
 */
export async function analyzeAfterBulk (directory: DirectoryApplyRepository, diff: EmploymentDiff): Promise<void> {
  if (diff.created + diff.updated + diff.ended >= Math.max(1000, diff.active_before / 10)) await directory.analyze()
}

/**
 * People and accounts meet here whichever side changed: a new HR employee may match an
 * account the directory reported earlier, and the other way round. An incremental run
 * (`gone` given) relinks only what it touched; any other run relinks the organisation.
 */
export async function relink (directory: DirectoryApplyRepository, scope: RunScope, gone?: Gone): Promise<void> {
  if (gone) {
    await directory.correlate(scope.organisation, scope)
    await directory.collectTouchedPeople(scope, gone)
    await directory.resolveMemberships(scope.organisation, scope.runId, true)
  } else {
    await directory.correlate(scope.organisation)
    await directory.resolveMemberships(scope.organisation, scope.runId)
  }
}
