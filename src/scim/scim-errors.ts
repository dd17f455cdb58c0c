import { ProblemError } from '../http/problem.js'
import { storeUnavailable } from '../http/errors.js'
import { isUnstorableText, UNSTORABLE_TEXT_DETAIL } from '../http/unstorable-text.js'
import { ERROR_MESSAGE, SCIM_CONTENT_TYPE } from './scim-urns.js'

/** The `scimType` values of RFC 7644 §3.12, table 9. */
export const SCIM_TYPES = [
  'invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax',
  'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'
] as const
export type ScimType = typeof SCIM_TYPES[number]

/**
 * A SCIM protocol error. SCIM clients (Entra ID, Okta, …) read RFC 7644 §3.12 error bodies,
 * not RFC 9457 problems, so everything under /scim/v2 answers with this shape instead.
 */
export class ScimError extends Error {
  readonly status: number
  readonly scimType: ScimType | undefined
  readonly detail: string
  readonly headers: Record<string, string> | undefined

  constructor (status: number, scimType: ScimType | undefined, detail: string, options: { headers?: Record<string, string>, cause?: unknown } = {}) {
    super(detail, { cause: options.cause })
    this.name = 'ScimError'
    this.status = status
    this.scimType = scimType
    this.detail = detail
    this.headers = options.headers
  }
}

export interface ScimErrorBody {
  schemas: [typeof ERROR_MESSAGE]
  /** RFC 7644 §3.12: the HTTP status code as a string. */
  status: string
  scimType?: ScimType
  detail?: string
}

export interface ScimErrorResponse {
  status: number
  contentType: typeof SCIM_CONTENT_TYPE
  headers: Record<string, string>
  body: ScimErrorBody
}

export const invalidFilter = (detail: string): ScimError => new ScimError(400, 'invalidFilter', detail)
export const invalidPath = (detail: string): ScimError => new ScimError(400, 'invalidPath', detail)
export const invalidValue = (detail: string): ScimError => new ScimError(400, 'invalidValue', detail)
export const invalidSyntax = (detail: string): ScimError => new ScimError(400, 'invalidSyntax', detail)
export const noTarget = (detail: string): ScimError => new ScimError(400, 'noTarget', detail)
export const mutability = (detail: string): ScimError => new ScimError(400, 'mutability', detail)
export const uniqueness = (detail: string): ScimError => new ScimError(409, 'uniqueness', detail)
export const notFound = (detail: string): ScimError => new ScimError(404, undefined, detail)
export const preconditionFailed = (detail: string): ScimError => new ScimError(412, undefined, detail)

export function renderScimError (error: ScimError): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_MESSAGE], status: String(error.status) }
  if (error.scimType) body.scimType = error.scimType
  body.detail = error.detail
  return body
}

interface StatusCarrier { statusCode?: unknown, validation?: unknown, message?: unknown }

/**
 * Any error thrown under /scim/v2 as a ScimError: ScimErrors as they are, the project's
 * problems (authentication, tenant access) with their status and detail, Fastify's own 4xx
 * (schema validation → invalidValue, unparsable JSON → invalidSyntax). Everything else is a
 * 500 whose detail never shows internals.
 */
export function toScimError (error: unknown): ScimError {
  if (error instanceof ScimError) return error
  if (isUnstorableText(error)) return invalidValue(UNSTORABLE_TEXT_DETAIL)
  const unavailable = storeUnavailable(error)
  if (unavailable) return new ScimError(503, undefined, unavailable.detail ?? unavailable.definition.title, { headers: unavailable.headers, cause: error })
  if (error instanceof ProblemError) {
    if (error.status >= 500) return new ScimError(error.status, undefined, 'Internal server error', { cause: error })
    return new ScimError(error.status, undefined, error.detail ?? error.definition.title, { headers: error.headers, cause: error })
  }
  const carrier = (typeof error === 'object' && error !== null ? error : {}) as StatusCarrier
  const status = typeof carrier.statusCode === 'number' ? carrier.statusCode : 500
  if (status >= 400 && status < 500) {
    const detail = typeof carrier.message === 'string' ? carrier.message : 'Bad request'
    const scimType = status !== 400 ? undefined : carrier.validation !== undefined ? 'invalidValue' : 'invalidSyntax'
    return new ScimError(status, scimType, detail, { cause: error })
  }
  return new ScimError(500, undefined, 'Internal server error', { cause: error })
}

/** Status, headers and body for the wire; the caller sends `body` as `application/scim+json`. */
export function scimErrorResponse (error: unknown): ScimErrorResponse {
  const scimError = toScimError(error)
  return {
    status: scimError.status,
    contentType: SCIM_CONTENT_TYPE,
    headers: { ...scimError.headers, 'content-type': SCIM_CONTENT_TYPE },
    body: renderScimError(scimError)
  }
}
