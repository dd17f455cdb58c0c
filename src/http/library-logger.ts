import { format } from 'node:util'
import type { Logger } from '../log/logger.js'

/**
 * A logger for libraries that would otherwise write to the console (ajv, in Fastify's
 * validator and in fast-json-stringify's serializer), so the process writes JSON log lines
 * only. Libraries get it before the app's logger exists; `attach` points it at the logger
 * once there is one, and lines from before that go nowhere rather than to stderr.
 */
export function libraryLogger (library: string): { log (...a: unknown[]): void, warn (...a: unknown[]): void, error (...a: unknown[]): void, attach (target: Logger): void } {
  let target: Logger | undefined
  return {
    log: (...args) => target?.info({ library }, format(...args)),
    warn: (...args) => target?.warn({ library }, format(...args)),
    error: (...args) => target?.error({ library }, format(...args)),
    attach: (logger) => { target = logger }
  }
}
