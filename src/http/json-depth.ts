import type { FastifyInstance, FastifyRequest } from 'fastify'

/**
 * How deep untrusted JSON may nest: request bodies, HR snapshots, mapping documents.
 * JSON.parse accepts any depth, but recursive code after it (structuredClone, SCIM's null
 * stripping, schema validators, PostgreSQL's jsonb input) overflows its stack somewhere past
 * a few thousand levels and would answer 500. No document behorig accepts comes near this.
 */
export const MAX_JSON_DEPTH = 64

/** Whether `value` nests arrays/objects deeper than `limit` levels; iterative, so it cannot overflow itself. */
export function nestsDeeperThan (value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]]
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number]
    if (typeof current !== 'object' || current === null) continue
    if (depth >= limit) return true
    for (const child of Object.values(current)) pending.push([child, depth + 1])
  }
  return false
}

/** A 400 that every error form renders as a bad body: problem+json, SCIM invalidSyntax, OAuth invalid_request. */
export class JsonTooDeep extends Error {
  readonly statusCode = 400
  readonly code = 'BEHORIG_JSON_TOO_DEEP'
  constructor () { super(`The request body nests deeper than ${MAX_JSON_DEPTH} levels`) }
}

type Done = (err: Error | null, body?: unknown) => void

/** Fastify's JSON parser (prototype-poisoning checks included), refusing documents nested past MAX_JSON_DEPTH. */
export function boundedJsonParser (app: FastifyInstance): (request: FastifyRequest, body: string, done: Done) => void {
  const parse = app.getDefaultJsonParser('error', 'error')
  return function parseBoundedJson (request, body, done) {
    // Typed as either parser kind; Fastify's own JSON parser is the callback kind: it returns nothing and answers through the callback.
    void parse(request, body, (err: Error | null, value?: unknown) => {
      if (err) done(err)
      else if (nestsDeeperThan(value)) done(new JsonTooDeep())
      else done(null, value)
    })
  }
}

/** Every JSON request body goes through the bounded parser, so no route can forget the check. */
export function installJsonDepthLimit (app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, boundedJsonParser(app))
}
