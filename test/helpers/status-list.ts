import { inflateSync } from 'node:zlib'

/**
 * Reading a status list the way a verifier does (draft-ietf-oauth-status-list §4): the
 * service only ever writes one, so these live with the tests.
 */
export function decodeStatusList (lst: string): Buffer {
  return inflateSync(Buffer.from(lst, 'base64url'))
}

export function statusAt (bytes: Uint8Array, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= bytes.length * 8) throw new RangeError(`index ${index} is outside the list`)
  return ((bytes[index >> 3] as number) >> (index & 7)) & 1
}

/** A copy of `bytes` with status `index` set to `status` (0 or 1). */
export function withStatus (bytes: Uint8Array, index: number, status: number): Buffer {
  statusAt(bytes, index)
  const copy = Buffer.from(bytes)
  const mask = 1 << (index & 7)
  copy[index >> 3] = status ? (copy[index >> 3] as number) | mask : (copy[index >> 3] as number) & ~mask
  return copy
}
