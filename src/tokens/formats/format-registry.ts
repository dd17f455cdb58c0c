import type { AttributeTokenFormat } from './attribute-token-format.js'
import { jwtAttributeToken } from './jwt-attribute-token.js'

/** Every attribute token format by name; a new format is a file in this folder and a line here. */
export const ATTRIBUTE_TOKEN_FORMATS: ReadonlyMap<string, AttributeTokenFormat> = new Map([
  jwtAttributeToken
].map((format) => [format.name, format]))

/** What every relying party gets today. */
export const DEFAULT_ATTRIBUTE_TOKEN_FORMAT = jwtAttributeToken.name

export function attributeTokenFormat (name: string): AttributeTokenFormat {
  const format = ATTRIBUTE_TOKEN_FORMATS.get(name)
  if (!format) throw new Error(`no attribute token format ${name}`)
  return format
}
