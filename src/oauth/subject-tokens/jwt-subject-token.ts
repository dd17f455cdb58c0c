import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
import type { ClientKeys } from '../../relying-parties/client-keys.js'
import { JwksUnavailable } from '../../relying-parties/client-keys.js'
import type { StoredIdentityProvider } from '../../identity-providers/repository.js'
import type { IdentityProviderService } from '../../identity-providers/service.js'
import { invalidSubjectToken, OAuthError } from '../errors.js'
import { normalisedTyp } from '../client-assertion.js'
import { COMPACT_JWS } from '../compact-jws.js'
import type { SubjectTokenVerifier } from './subject-token-verifier.js'
import { loginContextOf } from './login-context.js'
import { loginSubject } from './login-subject.js'

/** Asymmetric algorithms only, as for client assertions. */
const SUBJECT_TOKEN_ALGS = ['ES256', 'EdDSA', 'PS256', 'RS256']
const CLOCK_SKEW_SECONDS = 30
/**
 * ID tokens are untyped or `JWT`; an IdP's RFC 9068 access token is `at+jwt`. Any other
 * `typ` (logout+jwt, secevent+jwt, behorig's own attribute-token+jwt…) is another kind of
 * JWT that happens to be signed by the same key, and names no signed-in person.
 */
const JWT_TYPES = [undefined, 'jwt', 'at+jwt']

export interface JwtSubjectTokenDeps {
  issuer: string
  identityProviders: Pick<IdentityProviderService, 'findOidc'>
  keys: ClientKeys
}

/**
 * A JWT (an ID token, or an IdP's access token) that a registered OIDC identity provider
 * issued about a person: its `iss` finds the registration, whose `subject.match` says which
 * claims name the person and in which of its organisations.
 */
export function jwtSubjectToken (deps: JwtSubjectTokenDeps): SubjectTokenVerifier {
  return {
    async verify (token, clientId, audiences) {
      const idp = await identityProviderOf(token, deps)
      const claims = await verifySignedClaims(token, idp, [deps.issuer, clientId, ...audiences], deps)
      return { ...loginSubject(idp, (names) => names.flatMap((name) => claimStrings(claims, name))), login: loginContextOf(claims) }
    }
  }
}

async function identityProviderOf (subjectToken: string, deps: JwtSubjectTokenDeps): Promise<StoredIdentityProvider> {
  let iss: unknown
  let typ: unknown
  if (!COMPACT_JWS.test(subjectToken)) throw invalidSubjectToken('the subject_token is not a JWT')
  try {
    iss = decodeJwt(subjectToken).iss
    typ = decodeProtectedHeader(subjectToken).typ
  } catch {
    throw invalidSubjectToken('the subject_token is not a JWT')
  }
  if (!JWT_TYPES.includes(normalisedTyp(typ))) throw invalidSubjectToken('the subject_token\'s typ must be absent, JWT or at+jwt')
  const idp = typeof iss === 'string' ? await deps.identityProviders.findOidc(iss) : undefined
  if (!idp) throw invalidSubjectToken('the subject_token\'s issuer is not a registered identity provider')
  return idp
}

/**
 * Signature with the IdP's keys, issuer, lifetime, and an audience of the calling relying
 * party's. A v1 registration's `audiences` (deprecated) is not consulted: an IdP-wide list
 * would let one agency trade a login issued to another.
 */
async function verifySignedClaims (token: string, idp: StoredIdentityProvider, audience: string[], deps: JwtSubjectTokenDeps): Promise<Record<string, unknown>> {
  const oidc = idp.document.oidc
  const holder = { clientId: `idp:${idp.id}`, document: { ...(oidc?.jwks ? { jwks: oidc.jwks } : {}), ...(oidc?.jwks_uri ? { jwks_uri: oidc.jwks_uri } : {}) } }
  try {
    const { payload } = await jwtVerify(token, deps.keys.lookupFor(holder as Parameters<ClientKeys['lookupFor']>[0]), {
      issuer: idp.entity,
      audience,
      algorithms: SUBJECT_TOKEN_ALGS,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_SKEW_SECONDS
    })
    // jose checks a future iat only with maxTokenAge, which would also make iat required.
    if (payload.iat !== undefined && payload.iat > Math.floor(Date.now() / 1000) + CLOCK_SKEW_SECONDS) throw invalidSubjectToken('the subject_token\'s iat is in the future')
    return payload as Record<string, unknown>
  } catch (error) {
    if (error instanceof OAuthError) throw error
    // The reason is in the server log, not in the answer.
    if (error instanceof JwksUnavailable) throw invalidSubjectToken('the identity provider\'s jwks_uri could not be read')
    if (error instanceof joseErrors.JWTExpired) throw invalidSubjectToken('the subject_token has expired')
    if (error instanceof joseErrors.JWTClaimValidationFailed) throw invalidSubjectToken(`the subject_token's ${error.claim} claim ${error.reason === 'missing' ? 'is missing' : 'is not acceptable'}`)
    if (error instanceof joseErrors.JOSEError) throw invalidSubjectToken(`the subject_token does not verify (${error.code})`)
    throw error
  }
}

/** A claim's string values: a string, or the strings of an array (multi-valued claims such as orgAffiliation). Own claims only: `constructor` names nothing. */
function claimStrings (claims: Record<string, unknown>, name: string): string[] {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
