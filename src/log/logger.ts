/**
 * What behorig's code logs through: pino's (and Fastify's) logger, narrowed to the calls it
 * makes, so a capability takes a logger without depending on pino. Code that needs less
 * takes a Pick of it.
 */
export interface Logger {
  error (o: object, m: string): void
  info (o: object, m: string): void
  warn (o: object, m: string): void
}
