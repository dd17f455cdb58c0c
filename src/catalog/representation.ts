import type { FastifyReply, FastifyRequest } from 'fastify'
import { createHash } from 'node:crypto'
import { stringify } from 'yaml'

const FIXED = 'public, max-age=31536000, immutable'
const MOVING = 'public, max-age=300'

/**
 * Sends a catalog resource as JSON, or YAML on `Accept: application/yaml`, with a strong
 * ETag per representation and 304 on a matching If-None-Match. Fixed versions never
 * change (published means frozen), so they may be cached for a year; `latest` moves.
 */
export function sendCatalogResource (request: FastifyRequest, reply: FastifyReply, body: unknown, contentHash: string, fixed: boolean): FastifyReply {
  const yaml = prefersYaml(request.headers.accept)
  const tag = `"${createHash('sha256').update(contentHash).update(yaml ? ':yaml' : ':json').digest('base64url').slice(0, 27)}"`
  reply.header('etag', tag).header('cache-control', fixed ? FIXED : MOVING).header('vary', 'accept')
  if (ifNoneMatch(request.headers['if-none-match'], tag)) return reply.code(304).send()
  if (yaml) return reply.type('application/yaml; charset=utf-8').serializer((b: unknown) => stringify(b)).send(body)
  return reply.send(body)
}

function prefersYaml (accept: string | undefined): boolean {
  if (!accept) return false
  return /application\/(x-)?yaml|text\/yaml/.test(accept) && !/application\/json/.test(accept.split(',')[0] ?? '')
}

/** RFC 9110 §13.1.2: a list of entity tags or `*`, compared weakly for GET. */
function ifNoneMatch (header: string | undefined, tag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(tag)
}
