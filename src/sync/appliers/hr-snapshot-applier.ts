import { applyRepository } from '../apply-repository.js'
import { directoryApplyRepository } from '../directory-apply-repository.js'
import { analyzeAfterBulk, anyChange, relink } from './people-and-accounts.js'
import type { SourceApplier } from './source-applier.js'

/** HR snapshots: units, people and their employments. A run that changed nothing leaves links and memberships as they are. */
export const hrSnapshotApplier: SourceApplier = {
  diff: (trx, scope) => applyRepository(trx).diffEmployments(scope),

  async apply ({ trx, scope, diff }) {
    const apply = applyRepository(trx)
    const units = await apply.applyUnits(scope)
    await apply.applyPeople(scope)
    await apply.applyEmployments(scope)
    if (anyChange(diff)) {
      const directory = directoryApplyRepository(trx)
      await analyzeAfterBulk(directory, diff)
      await relink(directory, scope)
    }
    return { counts: { units } }
  }
}
