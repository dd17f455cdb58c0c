import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
import type { ClientKeys } from '../../relying-parties/client-keys.js'
import { JwksUnavailable } from '../../relying-parties/client-keys.js'
import type { StoredIdentityProvider } from '../../identity-providers/repository.js'
import { invalidSubjectToken, OAuthError } from '../errors.js'
import { normalisedTyp } from '../client-assertion.js'
import { COMPACT_JWS } from '../compact-jws.js'
import type { SubjectTokenVerifier } from './subject-token-verifier.js'
import { loginContextOf } from './login-context.js'

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
  findIdentityProvider (issuer: string): Promise<StoredIdentityProvider | undefined>
  keys: ClientKeys
}

/**
 * A JWT (an ID token, or an IdP's access token) that an organisation's registered IdP
 * issued about a person: its `iss` finds the organisation, its registered `subject.claim`
 * names the person.
 */
export function jwtSubjectToken (deps: JwtSubjectTokenDeps): SubjectTokenVerifier {
  return {
    async verify (token, clientId, audiences) {
      const idp = await identityProviderOf(token, deps)
      const claims = await verifySignedClaims(token, idp, [deps.issuer, clientId, ...audiences], deps)
      const { claim, type } = idp.document.subject
      // Own claims only: an organisation may name any claim, `constructor` too.
      const value = Object.hasOwn(claims, claim) ? claims[claim] : undefined
      if (typeof value !== 'string' || value === '') throw invalidSubjectToken(`the subject_token has no ${claim} claim naming the person`)
      return { organisation: idp.organisation, subject: { type, value }, login: loginContextOf(claims) }
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
  const idp = typeof iss === 'string' ? await deps.findIdentityProvider(iss) : undefined
  if (!idp) throw invalidSubjectToken('the subject_token\'s issuer is not a registered identity provider')
  return idp
}

/**
 * Signature with the IdP's keys, issuer, lifetime, and an audience of the calling relying
 * party's. The IdP document's `audiences` (deprecated) is not consulted: an organisation-wide
 * list would let one agency trade a login issued to another.
 */
async function verifySignedClaims (token: string, idp: StoredIdentityProvider, audience: string[], deps: JwtSubjectTokenDeps): Promise<Record<string, unknown>> {
  const holder = { clientId: `idp:${idp.organisation}`, document: { ...(idp.document.jwks ? { jwks: idp.document.jwks } : {}), ...(idp.document.jwks_uri ? { jwks_uri: idp.document.jwks_uri } : {}) } }
  try {
    const { payload } = await jwtVerify(token, deps.keys.lookupFor(holder as Parameters<ClientKeys['lookupFor']>[0]), {
      issuer: idp.document.issuer,
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
