import type { KeyService } from '../keys/service.js'

/** OpenID Federation 1.0 §3.1: the media type and the JWT `typ` of an entity statement. */
export const ENTITY_STATEMENT_TYPE = 'entity-statement+jwt'
export const ENTITY_STATEMENT_MEDIA_TYPE = `application/${ENTITY_STATEMENT_TYPE}`
/** §9: where an entity publishes its Entity Configuration, below its entity id. */
export const ENTITY_CONFIGURATION_PATH = '/.well-known/openid-federation'

export interface EntityConfigurationDeps {
  issuer: string
  /** The federation keys: they sign, and their published set is the statement's `jwks`. */
  keys: Pick<KeyService, 'signer' | 'jwks'>
  /** The RFC 8414 document /.well-known/oauth-authorization-server serves. */
  authorizationServer: () => Record<string, unknown>
  organizationName: string
  authorityHints: string[]
  lifetimeSeconds: number
  now?: () => number
}

/**
 * behorig's Entity Configuration (§3, §5): iss = sub = its entity id, the federation keys
 * that verify it (next and retired ones too, so a statement cached across a rotation still
 * verifies), its metadata as an OAuth authorization server and a federation entity, and its
 * superiors. Signed afresh on each call with the active federation key, never a token key.
 */
export function entityConfiguration (deps: EntityConfigurationDeps): () => Promise<string> {
  return async function sign () {
    const iat = Math.floor((deps.now ?? Date.now)() / 1000)
    const claims = {
      iss: deps.issuer,
      sub: deps.issuer,
      iat,
      exp: iat + deps.lifetimeSeconds,
      jwks: await deps.keys.jwks(),
      metadata: {
        oauth_authorization_server: deps.authorizationServer(),
        federation_entity: { organization_name: deps.organizationName, homepage_uri: deps.issuer }
      },
      ...(deps.authorityHints.length > 0 ? { authority_hints: deps.authorityHints } : {})
    }
    return deps.keys.signer.sign({ typ: ENTITY_STATEMENT_TYPE }, claims)
  }
}
