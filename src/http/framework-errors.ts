import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { sendProblem } from './error-handler.js'
import type { ProblemError } from './problem.js'
import { HeaderFieldsTooLarge, MalformedRequest, MethodNotAllowed, NotFound, RequestTimeout, UriTooLong, ValidationFailed } from './errors.js'

/**
 * Above the longest path parameter any schema admits (an entity identifier of 2048
 * characters as a relying-party approval's client_id, three times that percent-encoded),
 * so the schema answers with a pointer; beyond it the router refuses with 414 before matching.
 */
export const MAX_PARAM_LENGTH = 6144
/** RFC 9110 §4.1 asks servers to take at least 8000 octets of URI; longer is 414. */
export const MAX_URL_LENGTH = 8192

/** Errors the router raises before a route is found (Fastify's `frameworkErrors` option). */
export function renderFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? UriTooLong(`A path segment is longer than ${MAX_PARAM_LENGTH} characters`)
    : ValidationFailed({ detail: 'The path is not a valid URL', errors: [{ pointer: '', detail: 'is not valid percent-encoding', location: 'path' }] })
  sendProblem(request, reply, problem)
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers too large, a
 * request line that is not HTTP, a client too slow): answered as problem+json too, written
 * straight to the socket as Node's own answer would be (Fastify's `clientErrorHandler`).
 */
export function answerClientError (this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const problem = error.code === 'HPE_HEADER_OVERFLOW'
    ? HeaderFieldsTooLarge('The request line and headers are larger than the server accepts (16 KiB)')
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? RequestTimeout('The request did not arrive in time')
      : MalformedRequest('The request is not valid HTTP/1.1')
  this.log.debug({ code: error.code }, 'refused a malformed request')
  if (socket.writable) socket.write(rawProblem(this.problemType(problem.definition.slug), problem))
  socket.destroy(error)
}

function rawProblem (type: string, problem: ProblemError): string {
  const body = JSON.stringify({ type, title: problem.definition.title, status: problem.status, detail: problem.detail })
  return `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
}

/**
 * 414 for URLs past MAX_URL_LENGTH; 404 for a path no route has, and 405 with `Allow` for
 * one that exists with other methods (RFC 9110 §15.5.6). Fastify's router answers only "no
 * route", so a second router keeps every route's path to tell the two apart.
 */
export function installRouteErrors (app: FastifyInstance): void {
  const shape = FindMyWay({ ignoreTrailingSlash: false, maxParamLength: MAX_PARAM_LENGTH })
  const methods = new Set<HTTPMethod>()
  app.addHook('onRoute', function recordRouteShape (route) {
    // The CORS plugin's `OPTIONS *` matches every path: it says nothing about which exist.
    if (route.url.endsWith('*')) return
    for (const method of [route.method].flat() as HTTPMethod[]) {
      methods.add(method)
      if (!shape.hasRoute(method, route.url)) shape.on(method, route.url, () => {})
    }
  })
  app.addHook('onRequest', async function refuseLongUrls (request) {
    if (request.url.length > MAX_URL_LENGTH) throw UriTooLong(`The URL is longer than ${MAX_URL_LENGTH} characters`)
  })
  app.setNotFoundHandler(function renderNotFound (request, reply) {
    const path = request.url.split('?')[0] ?? request.url
    // A refused CORS preflight stays a 404 (src/http/cors.ts): OPTIONS is the CORS plugin's.
    const allowed = request.method === 'OPTIONS' ? [] : [...methods].filter((method) => shape.find(method, path) !== null)
    return sendProblem(request, reply, allowed.length > 0
      ? MethodNotAllowed({ detail: `${path} does not take ${request.method}`, headers: { allow: allowed.join(', ') } })
      : NotFound(`No route for ${request.method} ${path}`))
  })
}
