/** Starts a stopwatch; the function it returns reads the seconds since, as a histogram takes them. */
export function startTimer (): () => number {
  const start = process.hrtime.bigint()
  return () => Number(process.hrtime.bigint() - start) / 1e9
}

export type DurationListener = (seconds: number) => void

/**
 * Durations measured where no observer can be handed in (a function many capabilities
 * call, such as appending to the audit log): each app's metrics subscribe to the channel
 * when built and unsubscribe when closed. Process-wide, like the process's memory: two apps
 * in one process both hear every measurement.
 */
export interface DurationChannel {
  observe (seconds: number): void
  /** Returns the unsubscribe function. */
  subscribe (listener: DurationListener): () => void
}

export function durationChannel (): DurationChannel {
  const listeners = new Set<DurationListener>()
  return {
    observe (seconds) {
      for (const listener of listeners) listener(seconds)
    },
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
