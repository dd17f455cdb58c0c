import { createHash } from 'node:crypto'

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does) and no
 * whitespace, so the same content always serialises the same way whatever the YAML
 * looked like: comments, quoting, flow or block style and key order do not count.
 */
export function canonicalJson (value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const json = JSON.stringify(value)
    // undefined, functions and symbols have no JSON form; YAML never produces them.
    if (json === undefined) throw new TypeError(`no canonical JSON for a ${typeof value}`)
    return json
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
  return `{${members.join(',')}}`
}

/** `sha256:<hex>` of the canonical JSON: what a published version is pinned to. */
export function contentHash (value: unknown): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}
