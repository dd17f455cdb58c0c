/**
 * Building LDAP filters (RFC 4515) from values that come from outside: every value goes
 * through `escapeFilterValue`, so `*)(uid=*))(|(uid=*` matches that literal text and
 * cannot widen or reshape the filter.
 */

/**
 * RFC 4515 §3: in an assertion value `*`, `(`, `)`, `\` and NUL must be written as `\`
 * and two hex digits. Everything else may stay as it is, non-ASCII included: the grammar
 * (`UTFMB`) takes UTF-8 characters literally, and OpenLDAP and AD both accept them. So
 * `Åsa` stays `Åsa`, which keeps filters readable in server logs.
 */
export function escapeFilterValue (value: string): string {
  // eslint-disable-next-line no-control-regex -- RFC 4515 §3 requires NUL to be escaped
  return value.replace(/[*()\\\u0000]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0'))
}

// RFC 4512 §2.5 attribute description: a descriptor or a numeric OID, then ;options.
const ATTRIBUTE_DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/

/** Attribute names are not escaped but checked: one that is not an RFC 4512 attribute description is refused. */
export function checkAttributeName (name: string): string {
  if (!ATTRIBUTE_DESCRIPTION.test(name)) throw new Error(`not an LDAP attribute name: ${JSON.stringify(name)}`)
  return name
}

export type FilterOperator = '=' | '>=' | '<='

/** `(attribute<op>value)` with the value escaped. */
export function comparisonFilter (attribute: string, operator: FilterOperator, value: string): string {
  return `(${checkAttributeName(attribute)}${operator}${escapeFilterValue(value)})`
}

/** `(attribute=value)` with the value escaped. */
export function equalityFilter (attribute: string, value: string): string {
  return comparisonFilter(attribute, '=', value)
}

/** `(&f1f2…)` of filters that are already well formed; one filter is returned as it is. */
export function andFilter (...filters: string[]): string {
  return filters.length === 1 ? filters[0] as string : `(&${filters.join('')})`
}

/** `(|f1f2…)` of filters that are already well formed; one filter is returned as it is. */
export function orFilter (...filters: string[]): string {
  return filters.length === 1 ? filters[0] as string : `(|${filters.join('')})`
}

/**
 * Whether `filter` is one parenthesised filter: its parentheses balance and close only at
 * the end. (ldapts' parser lets `(|(a=b)` through, which `(&…)` around it would turn into
 * a different filter.) Parentheses inside values are escaped (`\28`), so every raw one counts.
 */
export function isOneFilter (filter: string): boolean {
  if (!filter.startsWith('(')) return false
  let depth = 0
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]
    if (c === '\\') i += 2
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0 && i !== filter.length - 1) return false
    if (depth < 0) return false
  }
  return depth === 0
}
