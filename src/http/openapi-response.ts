import type { TSchema } from 'typebox'

/**
 * `schema` with the description openapi.yaml gives this response, and its examples when
 * given. Annotations only: what is validated and serialised stays the same.
 */
export function documented<T extends TSchema> (description: string, schema: T, examples?: readonly unknown[]): T {
  return { ...schema, description, ...(examples ? { examples } : {}) }
}
