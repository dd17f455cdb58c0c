import type { StoredResource } from './repository.js'
import { versionEtag } from './scim-etag.js'

/** A stored resource as clients see it: its kept attributes, `id` and `meta` (RFC 7643 §3.1). */
export function representation (stored: StoredResource, baseUrl: string): Record<string, unknown> {
  const { schemas, ...attributes } = stored.resource
  const endpoint = stored.resourceType === 'User' ? 'Users' : 'Groups'
  return {
    schemas,
    id: stored.id,
    ...attributes,
    meta: {
      resourceType: stored.resourceType,
      created: stored.created.toISOString(),
      lastModified: stored.updated.toISOString(),
      location: `${baseUrl}/${endpoint}/${stored.id}`,
      version: versionEtag(stored.version)
    }
  }
}

/** The ETag header (and `meta.version`) of a stored resource. */
export const etagOf = (stored: StoredResource): string => versionEtag(stored.version)
