import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import { ENTITY_STATEMENT_TYPE } from './entity-configuration.js'
import { FederationRefused } from './federation-errors.js'

/** Asymmetric algorithms only (§3.3: statements are signed; none and HMAC never verify one). */
export const STATEMENT_ALGS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'PS384', 'PS512', 'RS256']
/** Leeway for other entities' clocks on iat and exp. */
const CLOCK_SKEW_SECONDS = 30

/** The claims of an entity statement (§3) that the resolver reads. */
export interface EntityStatement extends JWTPayload {
  iss: string
  sub: string
  iat: number
  exp: number
  jwks?: JSONWebKeySet
  authority_hints?: string[]
  metadata?: Record<string, Record<string, unknown>>
  metadata_policy?: Record<string, Record<string, Record<string, unknown>>>
  metadata_policy_crit?: string[]
  trust_marks?: Array<{ trust_mark_type?: string, id?: string, trust_mark?: string }>
  trust_mark_issuers?: Record<string, string[]>
  crit?: string[]
}

/** Reads claims before any key is chosen; nothing in them is trusted yet. */
export function unverifiedClaims (jwt: string, what: string): EntityStatement {
  try {
    const claims = decodeJwt(jwt) as EntityStatement
    if (typeof claims.iss !== 'string' || typeof claims.sub !== 'string') throw new Error('no iss or sub')
    return claims
  } catch {
    throw new FederationRefused(`${what} is not an entity statement`)
  }
}

/**
 * Verifies one statement (§3.2, §10.2): the signature by one of `keys`, typ
 * entity-statement+jwt (or `typ` given), iss and sub as expected, iat not in the future,
 * exp not passed. Extensions in `crit` are not understood, so a statement naming any is refused (§3.1).
 */
export async function verifyStatement (jwt: string, keys: JSONWebKeySet | undefined, expected: { iss: string, sub?: string, typ?: string, what: string, now: number }): Promise<EntityStatement> {
  if (!keys || !Array.isArray(keys.keys) || keys.keys.length === 0) throw new FederationRefused(`${expected.what}: no keys to verify it with`)
  try {
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(keys), {
      algorithms: STATEMENT_ALGS,
      typ: expected.typ ?? ENTITY_STATEMENT_TYPE,
      issuer: expected.iss,
      ...(expected.sub !== undefined ? { subject: expected.sub } : {}),
      requiredClaims: ['iat', 'exp'],
      currentDate: new Date(expected.now),
      clockTolerance: CLOCK_SKEW_SECONDS
    })
    if ((payload.iat as number) > expected.now / 1000 + CLOCK_SKEW_SECONDS) throw new FederationRefused(`${expected.what}: iat is in the future`)
    const statement = payload as EntityStatement
    if (Array.isArray(statement.crit) && statement.crit.length > 0) throw new FederationRefused(`${expected.what}: critical claims ${statement.crit.join(', ')} are not understood`)
    return statement
  } catch (error) {
    throw refusal(error, expected.what)
  }
}

function refusal (error: unknown, what: string): Error {
  if (error instanceof FederationRefused) return error
  if (error instanceof joseErrors.JWTExpired) return new FederationRefused(`${what} has expired`)
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new FederationRefused(`${what}: the signature does not verify`)
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new FederationRefused(`${what}: no key matches its kid and alg`)
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new FederationRefused(`${what}: claim ${error.claim} ${error.reason === 'missing' ? 'is missing' : 'is not acceptable'}`)
  if (error instanceof joseErrors.JOSEError) return new FederationRefused(`${what} is not acceptable (${error.code})`)
  return error as Error
}
