import type { Transaction } from 'kysely'
import type { Database } from '../store/database-types.js'
import { personFactsRepository } from './person-facts-repository.js'
import { assignmentGrantRepository } from './assignment-grant-repository.js'
import { effectiveAttributeRepository } from './effective-attribute-repository.js'

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
 * Stored attributes whose last day passed, whatever ended them: above all a catalog
 * version's retirement day (`retires_on`), which the recompute writes as the day before it
 * into `valid_until`; also any grant the sources above do not date.
 */
export const attributeDays: DayChangeSource = {
  name: 'attributes',
  changed: (trx, organisation, since, day) => effectiveAttributeRepository(trx).endedBetween(organisation, since, day)
}

/** The sources the day job reads. */
export const DAY_CHANGE_SOURCES: readonly DayChangeSource[] = [employmentDays, assignmentDays, attributeDays]
