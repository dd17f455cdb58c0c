/**
 * RFC 9457 problem details. Every capability declares its problems once, in its own
 * `errors.ts`, with `defineProblem`; the error handler renders them. The registry lets a
 * test check that every problem type is documented in docs/problems.md, and lets the
 * service serve that documentation at each type's URI (src/problems/routes.ts).
 */

/**
 * A problem type's URI: `<issuer>/problems/<slug>`, which this deployment serves, so an
 * integrator can follow it (RFC 9457 §3.1.1 asks for a type URI that resolves to
 * human-readable documentation). The only place a type URI is built.
 */
export function problemTypeUri (issuer: string, slug: string): string {
  return `${problemIndexUri(issuer)}/${slug}`
}

/** Where every problem type is listed. */
export function problemIndexUri (issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/problems`
}

export interface ProblemFieldError {
  /** JSON Pointer (RFC 6901) into the request document, or to a query/path parameter. */
  pointer: string
  detail: string
  /** Where the pointer points: the request `body` (default), `query`, `path` or `header`. */
  location?: 'body' | 'query' | 'path' | 'header'
}

export interface ProblemDefinition {
  /** The last segment of the type URI; the URI itself depends on the issuer (problemTypeUri). */
  slug: string
  title: string
  status: number
}

const registry = new Map<string, ProblemDefinition>()

/** All problem types declared so far (modules declare theirs at import time). */
export function registeredProblems (): ProblemDefinition[] {
  return [...registry.values()].sort((a, b) => a.slug.localeCompare(b.slug))
}

export interface ProblemOptions {
  detail?: string
  errors?: ProblemFieldError[]
  /** Extension members (RFC 9457 §3.2), rendered beside the standard ones. */
  extensions?: Record<string, unknown>
  headers?: Record<string, string>
  cause?: unknown
}

export class ProblemError extends Error {
  readonly definition: ProblemDefinition
  readonly detail: string | undefined
  readonly errors: ProblemFieldError[] | undefined
  readonly extensions: Record<string, unknown> | undefined
  readonly headers: Record<string, string> | undefined

  constructor (definition: ProblemDefinition, options: ProblemOptions = {}) {
    super(options.detail ?? definition.title, { cause: options.cause })
    this.name = 'ProblemError'
    this.definition = definition
    this.detail = options.detail
    this.errors = options.errors
    this.extensions = options.extensions
    this.headers = options.headers
  }

  get status (): number { return this.definition.status }
}

export type ProblemFactory = ((options?: ProblemOptions | string) => ProblemError) & ProblemDefinition

/**
 * Declares a problem type and returns a factory for it:
 * `const UnknownSource = defineProblem('unknown-source', 'Unknown source', 404)`
 * then `throw UnknownSource('No source "ad" in 2120000142')`.
 */
export function defineProblem (slug: string, title: string, status: number): ProblemFactory {
  const existing = registry.get(slug)
  if (existing && (existing.title !== title || existing.status !== status)) {
    throw new Error(`problem type ${slug} declared twice with different title or status`)
  }
  const definition: ProblemDefinition = { slug, title, status }
  registry.set(slug, definition)
  const factory = (options?: ProblemOptions | string): ProblemError =>
    new ProblemError(definition, typeof options === 'string' ? { detail: options } : options)
  return Object.assign(factory, definition)
}

/**
 * The slug of the problem a request is refused with (a 4xx), for counting refusals by
 * reason; undefined for a failure of ours (5xx) or an error that is no problem.
 */
export function refusalReason (error: unknown): string | undefined {
  return error instanceof ProblemError && error.status < 500 ? error.definition.slug : undefined
}
