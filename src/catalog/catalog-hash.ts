import { createHash } from 'node:crypto'
import { canonicalJson } from '../crypto/canonical-json.js'

/**
 * `sha256:<hex>` of the canonical JSON (RFC 8785): what a published version is pinned to.
 * The same content always hashes the same whatever the YAML looked like: comments, quoting,
 * flow or block style and key order do not count.
 */
export function contentHash (value: unknown): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}
