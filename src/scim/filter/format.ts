import { formatAttributePath } from '../scim-attribute-lookup.js'
import type { ScimFilter } from './ast.js'

/** A filter back as text, in canonical form (lower-case keywords, JSON strings); parses to the same tree. */
export function formatFilter (filter: ScimFilter): string {
  switch (filter.op) {
    case 'and':
    case 'or':
      return filter.filters.map((part) => part.op === 'or' || (part.op === 'and' && filter.op === 'and') ? `(${formatFilter(part)})` : formatFilter(part)).join(` ${filter.op} `)
    case 'not':
      return `not (${formatFilter(filter.filter)})`
    case 'valuePath':
      return `${formatAttributePath(filter.path)}[${formatFilter(filter.filter)}]`
    case 'pr':
      return `${formatAttributePath(filter.path)} pr`
    default:
      return `${formatAttributePath(filter.path)} ${filter.op} ${JSON.stringify(filter.value)}`
  }
}
