import type { Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { personFactsRepository } from './person-facts-repository.js'
import { assignmentGrantRepository } from './assignment-grant-repository.js'

/**
 * Something dated that grants attributes: which of the organisation's people it may give
 * or take an attribute from because a day after `since`, up to and including `day`, began.
 * The day job recomputes the union; a new kind of dated grant is one more source.
 */
export interface DayChangeSource {
  readonly name: string
  changed (trx: Transaction<Database>, organisation: string, since: string, day: string): Promise<string[]>
}

/** Employments whose start_date came or whose end_date passed. */
export const employmentDays: DayChangeSource = {
  name: 'employments',
  changed: (trx, organisation, since, day) => personFactsRepository(trx).activityChanged(organisation, since, day)
}

/** Assignments whose valid_from came or whose valid_until passed. */
export const assignmentDays: DayChangeSource = {
  name: 'assignments',
  changed: (trx, organisation, since, day) => assignmentGrantRepository(trx).dayChanged(organisation, since, day)
}

/**
 * The sources the day job reads. Catalog attributes carry no dates: a deprecated one is
 * still granted, and one leaves only with a new catalog version, which takes a mapping
 * publish, and a publish recomputes everyone; so the catalog needs no source here.
 */
export const DAY_CHANGE_SOURCES: readonly DayChangeSource[] = [employmentDays, assignmentDays]
