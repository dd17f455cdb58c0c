import { randomUUID } from 'node:crypto'
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose'
import type { KeyService } from '../keys/service.js'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import { InvalidAccessToken } from '../tokens/errors.js'
import { COMPACT_JWS } from './compact-jws.js'

export const ACCESS_TOKEN_TYPE = 'at+jwt'
export const ACCESS_TOKEN_LIFETIME_SECONDS = 300
/** The one scope: requesting attribute tokens. */
export const ATTRIBUTE_TOKEN_SCOPE = 'attribute-tokens'

/** The resource an access token is for (its `aud`, RFC 9068 §3): the attribute-token endpoint. */
export const attributeTokenResource = (issuer: string): string => `${issuer}/v1/attribute-tokens`

export interface IssuedAccessToken { access_token: string, token_type: 'Bearer', expires_in: number, scope: string }

/**
 * Private claim (RFC 7519 §4.3): the relying party's registration generation the token was
 * issued under. A token whose party was since re-registered, given other keys or disabled
 * names a generation that is gone, and is refused where the party is read.
 */
export const REGISTRATION_CLAIM = 'registration'

/** An RFC 9068 JWT access token for an authenticated client (client-credentials grant: the subject is the client), with its `jti` and `exp` for the audit log. */
export async function issueAccessToken (deps: { keys: Pick<KeyService, 'signer'>, issuer: string, now?: () => number }, client: Pick<StoredRelyingParty, 'clientId' | 'generation'>): Promise<{ issued: IssuedAccessToken, jti: string, exp: number }> {
  const iat = Math.floor((deps.now ?? Date.now)() / 1000)
  const claims = {
    iss: deps.issuer,
    sub: client.clientId,
    aud: attributeTokenResource(deps.issuer),
    client_id: client.clientId,
    [REGISTRATION_CLAIM]: client.generation,
    iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_SECONDS,
    jti: randomUUID(),
    scope: ATTRIBUTE_TOKEN_SCOPE
  }
  const token = await deps.keys.signer.sign({ typ: ACCESS_TOKEN_TYPE }, claims)
  return { issued: { access_token: token, token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, scope: ATTRIBUTE_TOKEN_SCOPE }, jti: claims.jti, exp: claims.exp }
}

/**
 * What a valid access token says. Whether its relying party is still registered, enabled
 * and in the same generation is not read here, but where the party is used (see Principal).
 */
export interface VerifiedAccessToken {
  clientId: string
  /** The registration generation it was issued under (REGISTRATION_CLAIM). */
  registration: string
  scope: string[]
}

export interface AccessTokenVerifier {
  verify (token: string): Promise<VerifiedAccessToken>
}

export interface AccessTokenVerifierDeps {
  issuer: string
  keys: Pick<KeyService, 'jwks'>
  now?: () => number
  /** Verified tokens remembered (ECDSA verification is ~3× the cost of signing). */
  cacheSize?: number
  /** How long the published key set is reused before it is read again (also read on an unknown kid). */
  keySetTtlMs?: number
}

/** Verifies behorig's own access tokens, as the bearer auth of the attribute-token endpoint. */
export function accessTokenVerifier (deps: AccessTokenVerifierDeps): AccessTokenVerifier {
  const now = deps.now ?? Date.now
  const cacheSize = deps.cacheSize ?? 10_000
  const keySetTtlMs = deps.keySetTtlMs ?? 30_000
  const verified = new Map<string, VerifiedAccessToken & { exp: number }>()
  let keySet: { lookup: ReturnType<typeof createLocalJWKSet>, loadedAt: number } | undefined

  async function loadKeySet (): Promise<ReturnType<typeof createLocalJWKSet>> {
    keySet = { lookup: createLocalJWKSet(await deps.keys.jwks() as JSONWebKeySet), loadedAt: now() }
    return keySet.lookup
  }

  async function verifySignature (token: string): Promise<VerifiedAccessToken & { exp: number }> {
    if (!COMPACT_JWS.test(token)) throw new Error('not a compact JWS in base64url')
    const options = {
      issuer: deps.issuer,
      audience: attributeTokenResource(deps.issuer),
      typ: ACCESS_TOKEN_TYPE,
      algorithms: ['ES256', 'EdDSA'],
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', REGISTRATION_CLAIM],
      currentDate: new Date(now())
    }
    const lookup = keySet && now() - keySet.loadedAt < keySetTtlMs ? keySet.lookup : await loadKeySet()
    let payload
    try {
      payload = (await jwtVerify(token, lookup, options)).payload
    } catch (error) {
      // A key this process has not seen yet (rotated by another process): read the set once more.
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error
      payload = (await jwtVerify(token, await loadKeySet(), options)).payload
    }
    if (payload.sub !== payload['client_id']) throw new Error('sub and client_id differ')
    const registration = payload[REGISTRATION_CLAIM]
    if (typeof registration !== 'string') throw new Error(`${REGISTRATION_CLAIM} is not a string`)
    return { clientId: String(payload['client_id']), registration, scope: String(payload['scope'] ?? '').split(' ').filter(Boolean), exp: payload.exp as number }
  }

  return {
    async verify (token) {
      let entry = verified.get(token)
      if (entry && entry.exp * 1000 <= now()) { verified.delete(token); entry = undefined }
      if (!entry) {
        try {
          entry = await verifySignature(token)
        } catch {
          throw InvalidAccessToken({ detail: 'The access token is invalid or has expired; get a new one at /oauth/token', headers: { 'www-authenticate': 'Bearer realm="behorig", error="invalid_token"' } })
        }
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string)
        verified.set(token, entry)
      }
      return { clientId: entry.clientId, registration: entry.registration, scope: entry.scope }
    }
  }
}
