import { Type, type TSchema, type Static } from 'typebox'

/**
 * `type: [T, "null"]` rather than `anyOf: [T, null]`: validation then reports one error per
 * field instead of three, and OpenAPI 3.1 readers show a plain nullable field.
 */
export function Nullable<T extends TSchema> (schema: T) {
  const { type, ...rest } = schema as unknown as { type: string } & Record<string, unknown>
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'] })
}
