/**
 * RFC 7515 §7.1 compact serialisation, base64url only: padding, `+`, `/` or spaces would
 * give one signature many spellings. An empty signature passes here, to be refused with
 * its `alg` (so `alg: none` is reported as such).
 */
export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
