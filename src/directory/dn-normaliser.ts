/**
 * Directory names compare case-insensitively on attribute types and, for the `cn`/`ou`/`dc`
 * values groups use, on values too (RFC 4519 gives them caseIgnoreMatch); spaces around
 * `,` and `=` are not significant (RFC 4514 §3 allows them on input). Escaped commas
 * (`\,`) stay part of the value; hex-pair escapes (`\C3\A4`, `\2C`) are decoded first,
 * so a DN compares the same however a directory or a person spelled it.
 */
export function normaliseDn (dn: string): string {
  return splitUnescaped(decodeHexPairs(dn), ',')
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

// RFC 4514 §2.4: characters that must stay escaped anywhere in an attribute value. (A
// space or `#` needs escaping only at the ends of a value; decoded there, it is trimmed
// or kept literal, which only matters for DNs no directory hands out.)
const DN_SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '='])

/**
 * Replaces runs of `\XX` hex pairs (RFC 4514 §2.4) by the UTF-8 text they encode; a
 * character that is special in DNs is kept escaped as `\c`. A run that is not valid UTF-8
 * is left as it was. `\,`-style escapes pass unchanged.
 */
function decodeHexPairs (dn: string): string {
  if (!dn.includes('\\')) return dn
  return dn.replace(/(?:\\[0-9A-Fa-f]{2})+/g, (run, offset: number) => {
    // An escaped backslash before the run (`\\41`) makes the run literal text.
    if (precededByOddBackslashes(dn, offset)) return run
    const bytes = Buffer.from(run.replace(/\\/g, ''), 'hex')
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      return run
    }
    return [...text].map((c) => DN_SPECIAL.has(c) || c < ' ' ? `\\${c < ' ' ? c.charCodeAt(0).toString(16).padStart(2, '0') : c}` : c).join('')
  })
}

function precededByOddBackslashes (text: string, offset: number): boolean {
  let count = 0
  for (let i = offset - 1; i >= 0 && text[i] === '\\'; i--) count++
  return count % 2 === 1
}
