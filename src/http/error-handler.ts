import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError, problemTypeUri, type ProblemFieldError } from './problem.js'
import { distinctErrors, errorPointer } from './schema-errors.js'
import { isUnstorableText, UNSTORABLE_TEXT_DETAIL } from './unstorable-text.js'
import { MAX_JSON_DEPTH } from './json-depth.js'
import {
  InternalError, InvalidOrganisationNumber, PayloadTooLarge, storeUnavailable, UnsupportedMediaType, ValidationFailed
} from './errors.js'

const LOCATIONS: Record<string, NonNullable<ProblemFieldError['location']>> = {
  body: 'body', querystring: 'query', params: 'path', headers: 'header'
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The URI of a problem type on this deployment: `<issuer>/problems/<slug>`. */
    problemType (slug: string): string
  }
}

/** Renders every error as RFC 9457 problem+json; 5xx never show internals. */
export function installErrorHandling (app: FastifyInstance, issuer: string): void {
  app.decorate('problemType', function problemType (slug: string) { return problemTypeUri(issuer, slug) })
  app.setErrorHandler(function renderError (error: FastifyError, request, reply) {
    const problem = toProblem(error)
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
    return sendProblem(request, reply, problem)
  })
}

export function sendProblem (request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  const body: Record<string, unknown> = {
    type: request.server.problemType(problem.definition.slug),
    title: problem.definition.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance: request.url.split('?')[0],
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...problem.extensions
  }
  if (problem.headers) reply.headers(problem.headers)
  return reply.code(problem.status).type('application/problem+json').send(body)
}

function toProblem (error: FastifyError): ProblemError {
  if (error instanceof ProblemError) return error
  if (error.validation) {
    const location = LOCATIONS[error.validationContext ?? 'body'] ?? 'body'
    // A bad organisation number is the commonest integration mistake: give it its own
    // type and name the rule that failed (format, third-digit or checksum).
    const orgNumber = error.validation.find((v) => v.keyword === 'x-organisation-number')
    const factory = orgNumber ? InvalidOrganisationNumber : ValidationFailed
    return factory({
      ...(orgNumber ? { extensions: { rule: (orgNumber.params as { rule?: string }).rule } } : {}),
      detail: `The ${location === 'body' ? 'request body' : location === 'path' ? 'path' : location + ' parameters'} did not validate`,
      // One entry per pointer: the first failure there says what to fix.
      errors: distinctErrors(error.validation.map((v): ProblemFieldError => {
        const extra = v.keyword === 'additionalProperties' ? String((v.params as { additionalProperty?: string }).additionalProperty) : undefined
        return { pointer: errorPointer(v), detail: extra ? `unknown property "${extra}"` : (v.message ?? 'is invalid'), location }
      }), (e) => e.pointer)
    })
  }
  const unavailable = storeUnavailable(error)
  if (unavailable) return unavailable
  if (isUnstorableText(error)) return ValidationFailed({ detail: UNSTORABLE_TEXT_DETAIL, errors: [{ pointer: '', detail: 'contains text PostgreSQL cannot store' }] })
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return PayloadTooLarge({ detail: error.message, cause: error })
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return UnsupportedMediaType({ detail: error.message, cause: error })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ValidationFailed({ detail: 'The request body is not valid JSON', errors: [{ pointer: '', detail: error.message }], cause: error })
    case 'BEHORIG_JSON_TOO_DEEP':
      return ValidationFailed({ detail: error.message, errors: [{ pointer: '', detail: `nests deeper than ${MAX_JSON_DEPTH} levels` }], cause: error })
  }
  const status = error.statusCode ?? 500
  if (status < 500 && status >= 400) {
    // A framework 4xx we have no dedicated type for: keep its message, which is meant for clients.
    return ValidationFailed({ detail: error.message, cause: error })
  }
  return InternalError({ detail: 'An unexpected error occurred; it has been logged.', cause: error })
}
