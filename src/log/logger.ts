/**
 * The logging every module may use: pino's (and so Fastify's) call shape, object first.
 * Take `Pick<Logger, 'error'>` where a function needs less, so tests can pass less.
 */
export interface Logger {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}
