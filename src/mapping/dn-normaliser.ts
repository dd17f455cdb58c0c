/**
 * Directory names compare case-insensitively on attribute types and, for the `cn`/`ou`/`dc`
 * values groups use, on values too (RFC 4519 gives them caseIgnoreMatch); spaces around
 * `,` and `=` are not significant (RFC 4514 §3 allows them on input). Escaped commas
 * (`\,`) stay part of the value.
 */
export function normaliseDn (dn: string): string {
  return splitUnescaped(dn, ',')
    .map((rdn) => {
      const eq = rdn.indexOf('=')
      if (eq < 0) return rdn.trim().toLowerCase()
      return `${rdn.slice(0, eq).trim()}=${rdn.slice(eq + 1).trim()}`.toLowerCase()
    })
    .join(',')
}

function splitUnescaped (text: string, separator: string): string[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\\' && i + 1 < text.length) {
      current += c + (text[i + 1] as string)
      i++
    } else if (c === separator) {
      parts.push(current)
      current = ''
    } else {
      current += c
    }
  }
  parts.push(current)
  return parts
}
