import { createHash } from 'node:crypto'
import { canonicalJson } from '../crypto/canonical-json.js'
import { preconditionFailed } from './scim-errors.js'

/**
 * `meta.version` and the ETag header (RFC 7644 §3.14). Tags are weak, as in the RFC's
 * examples: a resource's representation may vary (attributes, excludedAttributes) while
 * its version does not.
 */
export function versionEtag (version: number | string): string {
  return `W/"${String(version).replace(/["\\]/g, '')}"`
}

/** A weak tag from the content itself (without `meta`), for stores that keep no version counter. */
export function contentEtag (resource: Record<string, unknown>): string {
  const { meta: _meta, ...content } = resource
  const digest = createHash('sha256').update(canonicalJson(content)).digest('base64url')
  return versionEtag(digest.slice(0, 22))
}

export interface EntityTag { weak: boolean, opaque: string }

/** An If-Match / If-None-Match value: `*` or a comma-separated list of entity tags (RFC 9110 §8.8.3). */
export function parseEntityTags (header: string | string[]): '*' | EntityTag[] {
  const text = Array.isArray(header) ? header.join(',') : header
  if (text.trim() === '*') return '*'
  const tags: EntityTag[] = []
  for (const match of text.matchAll(/\s*(W\/)?("([^"]*)"|[^,\s]+)\s*(?:,|$)/gy)) {
    if (match[0] === '') break
    tags.push({ weak: match[1] !== undefined, opaque: match[3] ?? (match[2] as string) })
  }
  return tags
}

/** Weak comparison (RFC 9110 §8.8.3.2): the opaque parts are equal, W/ or not. */
function weakMatch (tags: '*' | EntityTag[], current: string): boolean {
  if (tags === '*') return true
  const parsed = parseEntityTags(current)
  const opaque = parsed === '*' ? '*' : parsed[0]?.opaque
  return tags.some((tag) => tag.opaque === opaque)
}

export interface PreconditionHeaders {
  'if-match'?: string | string[] | undefined
  'if-none-match'?: string | string[] | undefined
}

/**
 * Evaluates If-Match and If-None-Match (RFC 9110 §13.2.2) for a resource whose current tag is
 * `current` (undefined when it does not exist). Throws a 412 ScimError when a precondition
 * fails; returns `not-modified` when a GET or HEAD should answer 304. If-Match compares
 * weakly, unlike RFC 9110's strong comparison: SCIM tags are weak (RFC 7644 §3.14 sends
 * `If-Match: W/"…"`), so a strong comparison could never succeed.
 */
export function checkPreconditions (current: string | undefined, headers: PreconditionHeaders, method: string): 'proceed' | 'not-modified' {
  const ifMatch = headers['if-match']
  if (ifMatch !== undefined && ifMatch !== '') {
    if (current === undefined || !weakMatch(parseEntityTags(ifMatch), current)) {
      throw preconditionFailed(`The resource has changed: If-Match ${String(ifMatch)} does not match its current version ${current ?? '(none)'}`)
    }
  }
  const ifNoneMatch = headers['if-none-match']
  if (ifNoneMatch !== undefined && ifNoneMatch !== '' && current !== undefined && weakMatch(parseEntityTags(ifNoneMatch), current)) {
    if (method === 'GET' || method === 'HEAD') return 'not-modified'
    throw preconditionFailed(`If-None-Match ${String(ifNoneMatch)} matches the current version ${current}`)
  }
  return 'proceed'
}
