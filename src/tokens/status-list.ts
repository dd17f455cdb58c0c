import { deflateSync } from 'node:zlib'

/**
 * IETF Token Status List (draft-ietf-oauth-status-list §4), 1 bit per referenced token:
 * status i is bit i % 8 of byte i / 8, least significant bit first; the byte array is
 * compressed with ZLIB (DEFLATE, RFC 1950/1951) and base64url-encoded without padding as `lst`.
 */
export const STATUS_BITS = 1
export const STATUS_VALID = 0
export const STATUS_INVALID = 1

export const STATUS_LIST_TYPE = 'statuslist+jwt'
export const STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt'

/** The `lst` member for an uncompressed list. Level 9, as the draft's examples use. */
export function encodeStatusList (bytes: Uint8Array): string {
  return deflateSync(bytes, { level: 9 }).toString('base64url')
}
