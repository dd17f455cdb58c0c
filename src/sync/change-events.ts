import { eventChannel, type EventChannel } from '../events/event-channel.js'

/**
 * A sync run that was applied, and the people it changed: whom later capabilities
 * (recompute, revocation) must look at again. Every applied run is announced, one that
 * changed no one with an empty `personIds`: what holds on the calendar still moves on.
 */
export interface PeopleChanged {
  organisation: string
  source: string
  runId: string
  personIds: string[]
  /** The run's change in the change outbox: what recomputing its people works off. */
  change: string
}

export type ChangeEvents = EventChannel<PeopleChanged>

/**
 * Subscribers run after the run's transaction has committed, in order. A failing
 * subscriber is logged and does not undo the run: the run committed its change to the
 * change outbox, so its recompute is still owed and done by the outbox's drain.
 */
export function changeEvents (): ChangeEvents {
  return eventChannel<PeopleChanged>({ failure: 'a people-changed subscriber failed', describe: (change) => ({ run: change.runId }) })
}
