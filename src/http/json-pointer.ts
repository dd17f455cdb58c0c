/** Escapes one reference token of a JSON Pointer (RFC 6901 §3: `~` → `~0`, `/` → `~1`). */
export function encodePointerToken (token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1')
}

export function decodePointerToken (token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~')
}
