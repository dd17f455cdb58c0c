import type { Logger } from '../log/logger.js'

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
}

export type PeopleChangedListener = (change: PeopleChanged) => Promise<void>

/**
 * Subscribers run after the run's transaction has committed, in order. A failing
 * subscriber is logged and does not undo the run: the change set stays in
 * sync_run_changes, so it can be replayed.
 */
export class ChangeEvents {
  private readonly listeners: PeopleChangedListener[] = []

  onPeopleChanged (listener: PeopleChangedListener): void {
    this.listeners.push(listener)
  }

  async emit (change: PeopleChanged, log: Pick<Logger, 'error'>): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(change)
      } catch (err) {
        log.error({ err, run: change.runId }, 'a people-changed subscriber failed')
      }
    }
  }
}
