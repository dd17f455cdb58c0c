import type { Logger } from '../log/logger.js'

/**
 * Keeps renewing an upload's lease (0014-upload-lease.sql) while this process receives it,
 * three times per lease, so one slow renewal does not let it lapse. `release` when staged.
 */
export function holdUploadLease (renew: () => Promise<void>, leaseMs: number, log: Pick<Logger, 'error'>): { release (): void } {
  const timer = setInterval(() => {
    renew().catch((err: unknown) => { log.error({ err }, 'could not renew an upload lease') })
  }, Math.floor(leaseMs / 3))
  timer.unref()
  return { release: () => { clearInterval(timer) } }
}
