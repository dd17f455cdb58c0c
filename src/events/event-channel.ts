import type { Logger } from '../log/logger.js'

export type EventListener<E> = (event: E) => Promise<void>

export interface EventChannel<E> {
  subscribe (listener: EventListener<E>): void
  /** Resolves true when every subscriber succeeded (or the event was skipped), false when one failed. */
  emit (event: E, log: Pick<Logger, 'error'>): Promise<boolean>
}

export interface EventChannelOptions<E> {
  /** The log message when a subscriber fails. */
  failure: string
  /** What the failure's log entry names of the event. */
  describe: (event: E) => object
  /** Events not worth announcing; by default every event is. */
  skip?: (event: E) => boolean
}

/**
 * One kind of event, emitted after the change it reports has committed. Subscribers run
 * in the order they subscribed, each awaited, so the emitter returns only when all have
 * heard. A failing subscriber is logged: it neither undoes the committed change nor stops
 * the subscribers after it; the emitter learns of it, to try again later.
 */
export function eventChannel<E> (options: EventChannelOptions<E>): EventChannel<E> {
  const listeners: EventListener<E>[] = []
  return {
    subscribe (listener) {
      listeners.push(listener)
    },
    async emit (event, log) {
      if (options.skip?.(event)) return true
      let succeeded = true
      for (const listener of listeners) {
        try {
          await listener(event)
        } catch (err) {
          succeeded = false
          log.error({ err, ...options.describe(event) }, options.failure)
        }
      }
      return succeeded
    }
  }
}
