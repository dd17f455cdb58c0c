import type { RunScope } from '../apply-repository.js'
import { directoryApplyRepository, type DirectoryApplyRepository } from '../directory-apply-repository.js'
import { pushItems } from '../push-change.js'
import { stageItems } from '../stage-items.js'
import { stagingRepository } from '../staging-repository.js'
import { analyzeAfterBulk, anyChange, NOTHING_GONE, relink, type Gone } from './people-and-accounts.js'
import type { Applied, PushApplier, SourceApplier } from './source-applier.js'

/**
 * Directory data, whether an LDAP source is read or a SCIM client pushes it: accounts,
 * groups and their members. A pulled run applies what it staged; a push stages its one
 * write and applies it the same way, incrementally, ending what the pusher deleted.
 */
export const directoryApplier: SourceApplier & PushApplier = {
  diff: (trx, scope) => directoryApplyRepository(trx).diffAccounts(scope),

  async apply ({ trx, scope, full, diff }) {
    const directory = directoryApplyRepository(trx)
    const groupsChanged = await applyRead(directory, scope, full, NOTHING_GONE)
    // A full run always relinks, so changed correlation rules take effect; an
    // incremental one that changed nothing leaves links and memberships as they are.
    if (groupsChanged || anyChange(diff) || full) {
      await analyzeAfterBulk(directory, diff)
      await relink(directory, scope, full ? undefined : NOTHING_GONE)
    }
    return unmatchedAccounts(directory, scope, {})
  },

  async push (trx, scope, change, box) {
    const staged = await stageItems(scope.runId, pushItems(change), { staging: stagingRepository(trx), box, analyze: false })
    const directory = directoryApplyRepository(trx)
    const diff = await directory.diffAccounts(scope)
    const gone = { accounts: change.endAccounts ?? [], groups: change.removeGroups ?? [] }
    await applyRead(directory, scope, false, gone)
    const ended = await directory.endAccounts(scope, gone.accounts)
    await directory.removeGroups(scope, gone.groups)
    await relink(directory, scope, gone)
    const applied = await unmatchedAccounts(directory, scope, { read: staged.read, quarantined: staged.quarantined, created: diff.created, updated: diff.updated, ended, unchanged: diff.unchanged })
    await stagingRepository(trx).clear(scope.runId)
    return applied
  }
}

/** Upserts the groups and accounts read; returns whether any group changed. */
async function applyRead (directory: DirectoryApplyRepository, scope: RunScope, full: boolean, gone: Gone): Promise<boolean> {
  // An incremental run rebuilds the groups of only the people it may affect.
  if (!full) await directory.collectTouchedPeople(scope, gone)
  const groupsChanged = await directory.applyGroups(scope, full) > 0
  await directory.applyAccounts(scope, full)
  return groupsChanged
}

async function unmatchedAccounts (directory: DirectoryApplyRepository, scope: RunScope, counts: Record<string, unknown>): Promise<Applied> {
  const { unmatched, unmatchedTotal } = await directory.unmatched(scope.organisation)
  return { counts: { ...counts, unmatched: unmatchedTotal }, unmatched }
}
