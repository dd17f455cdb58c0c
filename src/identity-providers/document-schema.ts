import { PlatformIdentityProviderDocument } from './schemas.js'

/**
 * schemas/identity-provider.schema.json: the route's body schema as a standalone JSON
 * Schema document, written by `npm run openapi` and checked by a test, so the two never differ.
 */
export function identityProviderJsonSchema (): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://behorig.se/schemas/identity-provider.schema.json',
    title: 'Identity provider',
    ...JSON.parse(JSON.stringify(PlatformIdentityProviderDocument)) as Record<string, unknown>
  }
}
