import type { ErrorObject } from 'ajv'
import type { ProblemFieldError } from './problem.js'
import { encodePointerToken } from './json-pointer.js'

/**
 * Where an ajv error points: its instance path, plus the missing or unknown property for
 * `required` and `additionalProperties` (ajv reports those at the parent object).
 */
export function errorPointer (error: Pick<ErrorObject, 'keyword' | 'instancePath' | 'params'>): string {
  const params = error.params as { missingProperty?: unknown, additionalProperty?: unknown }
  const child = error.keyword === 'required' ? params.missingProperty : error.keyword === 'additionalProperties' ? params.additionalProperty : undefined
  return error.instancePath + (child === undefined ? '' : '/' + encodePointerToken(String(child)))
}

/** Drops repeats: ajv can report one failure several times (once per `anyOf` branch, say). */
export function distinctErrors<T extends ProblemFieldError> (errors: Iterable<T>, key: (e: T) => string = (e) => `${e.pointer}\n${e.detail}`): T[] {
  const seen = new Map<string, T>()
  for (const e of errors) if (!seen.has(key(e))) seen.set(key(e), e)
  return [...seen.values()]
}
