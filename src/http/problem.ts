/**
 * RFC 9457 problem details. Every capability declares its problems once, in its own
 * `errors.ts`, with `defineProblem`; the error handler renders them. The registry lets a
 * test check that every problem type is documented in docs/problems.md.
 */
export const PROBLEM_BASE = 'https://behorig.se/problems/'

export interface ProblemFieldError {
  /** JSON Pointer (RFC 6901) into the request document, or to a query/path parameter. */
  pointer: string
  detail: string
  /** Where the pointer points: the request `body` (default), `query`, `path` or `header`. */
  location?: 'body' | 'query' | 'path' | 'header'
}

export interface ProblemDefinition {
  slug: string
  type: string
  title: string
  status: number
}

const registry = new Map<string, ProblemDefinition>()

/** All problem types declared so far (modules declare theirs at import time). */
export function registeredProblems(): ProblemDefinition[] {
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
  const definition: ProblemDefinition = { slug, type: PROBLEM_BASE + slug, title, status }
  registry.set(slug, definition)
  const factory = (options?: ProblemOptions | string): ProblemError =>
    new ProblemError(definition, typeof options === 'string' ? { detail: options } : options)
  return Object.assign(factory, definition)
}
