import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
import type { ClientKeys } from '../relying-parties/client-keys.js'
import { JwksUnavailable } from '../relying-parties/client-keys.js'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import { OAuthError, invalidClient, invalidRequest } from './errors.js'
import type { ReplayGuard } from './replay-guard.js'
import { COMPACT_JWS } from './compact-jws.js'
import { FederationRefused } from '../federation/federation-errors.js'

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/** Asymmetric algorithms only: `none` and HMAC (whose "secret" would be the public key) never verify an assertion. */
export const ASSERTION_ALGS = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const
/** DESIGN.md: `exp` at most 5 minutes ahead. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300
/** Leeway for the client's clock on `exp`, `nbf` and `iat` (RFC 7519 §4.1.4). */
const CLOCK_SKEW_SECONDS = 10

/**
 * The end (ms since the epoch) of the window in which an assertion with this `exp` is
 * accepted. The one definition: the expiry check below refuses from this instant on, and
 * the replay guard remembers the `jti` until it (RFC 7523 §3 item 7), so no assertion is
 * ever accepted while its `jti` is forgotten. `nbf` and `iat` only move the window's start.
 */
export const acceptedUntil = (exp: number): number => (exp + CLOCK_SKEW_SECONDS) * 1000
/** Untyped, generic, or RFC 7523bis's explicit type; any other `typ` names another kind of JWT (an access token, a logout token…). */
const ASSERTION_TYPES = [undefined, 'jwt', 'client-authentication+jwt']

export interface ClientAssertionDeps {
  /** The issuer identifier (BEHORIG_ISSUER): the audience RFC 7523bis requires. */
  issuer: string
  /** The token endpoint URL, also accepted as audience (OpenID Connect Core §9 clients). */
  tokenEndpoint: string
  findClient (clientId: string): Promise<StoredRelyingParty | undefined>
  keys: ClientKeys
  replay: ReplayGuard
  now?: () => number
}

export interface ClientCredentials {
  client_assertion_type?: string | undefined
  client_assertion?: string | undefined
  client_id?: string | undefined
}

/** RFC 7523 §3 / §2.2 private_key_jwt: returns the authenticated, enabled relying party or throws an OAuth error. */
export async function authenticateClient (form: ClientCredentials, deps: ClientAssertionDeps): Promise<StoredRelyingParty> {
  const assertion = requireAssertion(form)
  const clientId = claimedClient(assertion, form.client_id)
  const party = await findParty(clientId, deps)
  // One answer for unknown and disabled: a caller learns nothing about which client_ids exist.
  if (!party) throw invalidClient('unknown or disabled client')
  const { exp, jti } = await verifyAssertion(assertion, party, deps)
  // Decided when the jti is recorded (a jwks_uri fetch may have taken seconds since the
  // signature check), for exactly as long as it is remembered.
  const remainingMs = acceptedUntil(exp) - (deps.now ?? Date.now)()
  if (remainingMs <= 0) throw invalidClient('the client assertion has expired')
  if (!await deps.replay.firstUse(clientId, jti, remainingMs)) throw invalidClient('the client assertion\'s jti was already used')
  return party
}

/** The relying party, registered or (for an entity id) federated; a trust chain that does not resolve is invalid_client with its reason. */
async function findParty (clientId: string, deps: ClientAssertionDeps): Promise<StoredRelyingParty | undefined> {
  try {
    return await deps.findClient(clientId)
  } catch (error) {
    if (error instanceof FederationRefused) throw invalidClient(`the trust chain does not hold: ${error.message}`)
    throw error
  }
}

function requireAssertion (form: ClientCredentials): string {
  if (form.client_assertion_type === undefined || form.client_assertion === undefined) {
    throw invalidRequest(`authenticate with private_key_jwt: client_assertion_type=${JWT_BEARER_ASSERTION} and client_assertion`)
  }
  if (form.client_assertion_type !== JWT_BEARER_ASSERTION) throw invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`)
  return form.client_assertion
}

/** Reads who the assertion claims to be, before any key is chosen; nothing here is trusted yet. */
function claimedClient (assertion: string, formClientId: string | undefined): string {
  let header: { alg?: unknown, typ?: unknown }
  let claims: { iss?: unknown, sub?: unknown }
  if (!COMPACT_JWS.test(assertion)) throw invalidClient('the client assertion is not a JWT')
  try {
    header = decodeProtectedHeader(assertion)
    claims = decodeJwt(assertion)
  } catch {
    throw invalidClient('the client assertion is not a JWT')
  }
  if (!(ASSERTION_ALGS as readonly unknown[]).includes(header.alg)) {
    throw invalidClient(`alg ${String(header.alg)} is not accepted; use one of ${ASSERTION_ALGS.join(', ')}`)
  }
  if (!ASSERTION_TYPES.includes(normalisedTyp(header.typ))) throw invalidClient('typ must be absent, JWT or client-authentication+jwt')
  if (typeof claims.iss !== 'string' || claims.iss === '' || claims.iss !== claims.sub) throw invalidClient('iss and sub must both be the client_id')
  if (formClientId !== undefined && formClientId !== claims.iss) throw invalidClient('client_id does not match the assertion\'s iss')
  return claims.iss
}

/** Signature, issuer, subject, audience and lifetime; returns `exp` and `jti`. */
async function verifyAssertion (assertion: string, party: StoredRelyingParty, deps: ClientAssertionDeps): Promise<{ exp: number, jti: string }> {
  const now = Math.floor((deps.now ?? Date.now)() / 1000)
  try {
    const { payload } = await jwtVerify(assertion, deps.keys.lookupFor(party), {
      algorithms: [...ASSERTION_ALGS],
      issuer: party.clientId,
      subject: party.clientId,
      audience: [deps.issuer, deps.tokenEndpoint],
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(now * 1000)
    })
    const exp = payload.exp as number
    // RFC 7523bis §4: the issuer identifier as the single audience value, never a list (jose
    // accepts a list containing any of the values it is given).
    if (typeof payload.aud !== 'string') throw invalidClient('aud must be a single string: the issuer identifier')
    // jose checks a future iat only with maxTokenAge, which would make iat required (RFC 7523 §3 makes it optional).
    if (payload.iat !== undefined && payload.iat > now + CLOCK_SKEW_SECONDS) throw invalidClient('iat is in the future')
    if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw invalidClient(`exp is more than ${MAX_ASSERTION_LIFETIME_SECONDS} seconds ahead`)
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw invalidClient('jti must be a string of 1 to 256 characters')
    return { exp, jti: payload.jti }
  } catch (error) {
    throw refusal(error)
  }
}

/** RFC 7515 §4.1.9: `typ` is compared case-insensitively, `application/` may be left out. */
export function normalisedTyp (typ: unknown): string | undefined {
  return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : typ === undefined ? undefined : String(typ)
}

function refusal (error: unknown): Error {
  if (!(error instanceof Error) || error instanceof OAuthError) return error as Error
  // Unauthenticated callers learn no more than this: the reason is in the server log.
  if (error instanceof JwksUnavailable) return invalidClient('the relying party\'s jwks_uri could not be read')
  if (error instanceof joseErrors.JWKSNoMatchingKey) return invalidClient('no registered key matches the assertion\'s kid and alg')
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return invalidClient('several registered keys match: name one with kid')
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalidClient('the signature does not verify')
  if (error instanceof joseErrors.JWTExpired) return invalidClient('the client assertion has expired')
  if (error instanceof joseErrors.JWTClaimValidationFailed) return invalidClient(`claim ${error.claim} ${error.reason === 'missing' ? 'is missing' : 'is not acceptable'}`)
  if (error instanceof joseErrors.JOSEError) return invalidClient(`the client assertion is not acceptable (${error.code})`)
  return error
}
