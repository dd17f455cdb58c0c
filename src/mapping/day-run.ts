import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { appendAudit } from '../audit/audit-log.js'
import { DAY_CHANGE_SOURCES, type DayChangeSource } from './day-change-sources.js'
import { dayRunRepository } from './day-run-repository.js'
import { addDays, evaluationDay } from './evaluation-day.js'
import type { MappingService, RecomputeTarget } from './service.js'

/** Looks for organisations whose day has not run and enqueues ATTRIBUTE_DAY_JOB for each (scheduled, and at start-up). */
export const ATTRIBUTE_DAY_TICK_JOB = 'attributes.day-tick'
/** One organisation's day: `{ organisation }`. */
export const ATTRIBUTE_DAY_JOB = 'attributes.day'

export interface DayRunDeps {
  db: Kysely<Database>
  mappings: Pick<MappingService, 'recomputePlanned'>
  enqueue (name: string, payload: Record<string, unknown>): Promise<void>
  /** How many days back a run looks when the last one is older, or when there was none (BEHORIG_DAY_RUN_CATCH_UP_DAYS). */
  catchUpDays: number
  sources?: readonly DayChangeSource[]
  /** The evaluation clock; tests move it. */
  now?: () => Date
}

/** The days one run covers: the missed ones, then its own; `since` is the last day done before them. */
interface CoveredDays { organisation: string, day: string, days: string[], since: string }

/** What one organisation's day run did: the days it covered and the recompute's totals. */
export interface DayRun extends CoveredDays { people: number, grants: number, changed: number, revoked: number }

/**
 * The day job: shortly after midnight in Sweden, each organisation's people whose dated
 * grants began or ended since its last day run are recomputed (and their lost attributes'
 * live tokens revoked, as after any recompute). A day runs once per organisation however
 * many workers try: its row in attribute_day_runs is written in the recompute's
 * transaction. Days missed while nothing ran are covered by the next run, evaluated on
 * its day, at most `catchUpDays` back.
 */
export function dayRuns (deps: DayRunDeps) {
  const sources = deps.sources ?? DAY_CHANGE_SOURCES
  const today = (): string => evaluationDay(deps.now?.() ?? new Date())

  return {
    /** Enqueues a day run for every organisation whose day has not run yet; returns them. */
    async tick (): Promise<string[]> {
      const due = await dayRunRepository(deps.db).due(today())
      for (const organisation of due) await deps.enqueue(ATTRIBUTE_DAY_JOB, { organisation })
      return due
    },

    /** Runs the organisation's day; undefined when it has run already. */
    async run (organisation: string): Promise<DayRun | undefined> {
      let covered: CoveredDays | undefined
      const plan = async (trx: Transaction<Database>, day: string): Promise<RecomputeTarget | undefined> => {
        covered = await claimDays(trx, organisation, day, deps.catchUpDays)
        if (!covered) return undefined
        const people = new Set<string>()
        for (const source of sources) for (const id of await source.changed(trx, organisation, covered.since, day)) people.add(id)
        return { organisation, people: [...people], cause: { kind: 'day', day } }
      }
      const totals = await deps.mappings.recomputePlanned({
        plan,
        done: async (trx, totals) => {
          const { day, days, since } = covered as CoveredDays
          await appendAudit(trx, [{ organisation, action: 'attribute-day.completed', actor: { kind: 'system', component: 'day-job' }, details: { day, days, since, ...totals } }])
        }
      })
      return totals && covered ? { ...covered, ...totals } : undefined
    }
  }
}

export type DayRuns = ReturnType<typeof dayRuns>

/**
 * Claims `day` for the organisation, and with it the days missed since its last run (at
 * most `catchUpDays` back); undefined when another run has it. `since`: the last day
 * whose changes were recomputed, so the run covers the days after it.
 */
async function claimDays (trx: Transaction<Database>, organisation: string, day: string, catchUpDays: number): Promise<CoveredDays | undefined> {
  const runs = dayRunRepository(trx)
  if ((await runs.claim(organisation, [day], day)).length === 0) return undefined
  const floor = addDays(day, -catchUpDays)
  const last = await runs.lastBefore(organisation, day)
  const since = last !== undefined && last > floor ? last : floor
  // A first run looks back as far, but records only its own day: nothing was missed.
  const missed: string[] = []
  if (last !== undefined) for (let d = addDays(since, 1); d < day; d = addDays(d, 1)) missed.push(d)
  await runs.claim(organisation, missed, day)
  return { organisation, day, days: [...missed, day], since }
}
