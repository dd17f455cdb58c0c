import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export function randomToken (bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function sha256Hex (value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** Compares a presented secret with a stored SHA-256 hex digest in constant time. */
export function secretMatchesHash (presented: string, storedHashHex: string): boolean {
  const a = Buffer.from(sha256Hex(presented), 'hex')
  const b = Buffer.from(storedHashHex, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}

// An API key reads `bhk_<id>_<secret>`: the id finds the row, the secret is checked
// against its hash. The prefix lets secret scanners recognise leaked keys.
const API_KEY = /^bhk_([A-Za-z0-9-]{16})_([A-Za-z0-9_-]{43})$/

export function newApiKey (): { id: string, secret: string, key: string } {
  const id = randomBytes(12).toString('base64url').replace(/_/g, '-')
  const secret = randomToken(32)
  return { id, secret, key: `bhk_${id}_${secret}` }
}

export function parseApiKey (token: string): { id: string, secret: string } | undefined {
  const m = API_KEY.exec(token)
  return m ? { id: m[1] as string, secret: m[2] as string } : undefined
}
