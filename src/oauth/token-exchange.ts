import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
import { ProblemError } from '../http/problem.js'
import type { ClientKeys } from '../relying-parties/client-keys.js'
import { JwksUnavailable } from '../relying-parties/client-keys.js'
import type { StoredIdentityProvider } from '../identity-providers/repository.js'
import type { AttributeTokenService } from '../tokens/attribute-token-service.js'
import { SubjectNotFound } from '../tokens/errors.js'
import { invalidSubjectToken, invalidRequest, OAuthError } from './errors.js'
import { normalisedTyp } from './client-assertion.js'
import { COMPACT_JWS } from './compact-jws.js'
import type { GrantHandler } from './grants.js'

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token'
/** Asymmetric algorithms only, as for client assertions. */
const SUBJECT_TOKEN_ALGS = ['ES256', 'EdDSA', 'PS256', 'RS256']
const CLOCK_SKEW_SECONDS = 30
/**
 * ID tokens are untyped or `JWT`; an IdP's RFC 9068 access token is `at+jwt`. Any other
 * `typ` (logout+jwt, secevent+jwt, behorig's own attribute-token+jwt…) is another kind of
 * JWT that happens to be signed by the same key, and names no signed-in person.
 */
const SUBJECT_TOKEN_TYPES = [undefined, 'jwt', 'at+jwt']

export interface TokenExchangeDeps {
  issuer: string
  findIdentityProvider (issuer: string): Promise<StoredIdentityProvider | undefined>
  keys: ClientKeys
  attributeTokens: Pick<AttributeTokenService, 'issueFor'>
}

/**
 * RFC 8693: a relying party (authenticated with private_key_jwt) hands in a JWT that an
 * organisation's registered IdP issued about a person, and gets that person's attribute
 * token. The IdP's `iss` finds the organisation; its registered `subject.claim` names the person.
 */
export function tokenExchangeGrant (deps: TokenExchangeDeps): GrantHandler {
  return async function tokenExchange (form, client) {
    const subjectToken = requireParameters(form)
    const idp = await identityProviderOf(subjectToken, deps)
    const claims = await verifySubjectToken(subjectToken, idp, client.clientId, deps)
    // Own claims only: an organisation may name any claim, `constructor` too.
    const value = Object.hasOwn(claims, idp.document.subject.claim) ? claims[idp.document.subject.claim] : undefined
    if (typeof value !== 'string' || value === '') throw invalidSubjectToken(`the subject_token has no ${idp.document.subject.claim} claim naming the person`)
    try {
      const issued = await deps.attributeTokens.issueFor(client.clientId, idp.organisation, { type: idp.document.subject.type, value }, form.domain)
      return { access_token: issued.attribute_token, issued_token_type: JWT_TOKEN_TYPE, token_type: 'N_A', expires_in: issued.expires_in }
    } catch (error) {
      if (error instanceof ProblemError && error.definition.slug === SubjectNotFound.slug) throw invalidSubjectToken('no attributes this client may receive for the person the subject_token names')
      throw error
    }
  }
}

function requireParameters (form: Parameters<GrantHandler>[0]): string {
  if (!form.subject_token || !form.subject_token_type) throw invalidRequest('token exchange needs subject_token and subject_token_type')
  if (form.subject_token_type !== JWT_TOKEN_TYPE && form.subject_token_type !== ID_TOKEN_TYPE) throw invalidRequest(`subject_token_type must be ${JWT_TOKEN_TYPE} or ${ID_TOKEN_TYPE}`)
  if (form.requested_token_type !== undefined && form.requested_token_type !== JWT_TOKEN_TYPE) throw invalidRequest(`requested_token_type must be ${JWT_TOKEN_TYPE}`)
  return form.subject_token
}

async function identityProviderOf (subjectToken: string, deps: TokenExchangeDeps): Promise<StoredIdentityProvider> {
  let iss: unknown
  let typ: unknown
  if (!COMPACT_JWS.test(subjectToken)) throw invalidSubjectToken('the subject_token is not a JWT')
  try {
    iss = decodeJwt(subjectToken).iss
    typ = decodeProtectedHeader(subjectToken).typ
  } catch {
    throw invalidSubjectToken('the subject_token is not a JWT')
  }
  if (!SUBJECT_TOKEN_TYPES.includes(normalisedTyp(typ))) throw invalidSubjectToken('the subject_token\'s typ must be absent, JWT or at+jwt')
  const idp = typeof iss === 'string' ? await deps.findIdentityProvider(iss) : undefined
  if (!idp) throw invalidSubjectToken('the subject_token\'s issuer is not a registered identity provider')
  return idp
}

/** Signature with the IdP's keys, issuer, lifetime, and an audience this exchange may accept. */
async function verifySubjectToken (token: string, idp: StoredIdentityProvider, clientId: string, deps: TokenExchangeDeps): Promise<Record<string, unknown>> {
  const holder = { clientId: `idp:${idp.organisation}`, document: { ...(idp.document.jwks ? { jwks: idp.document.jwks } : {}), ...(idp.document.jwks_uri ? { jwks_uri: idp.document.jwks_uri } : {}) } }
  try {
    const { payload } = await jwtVerify(token, deps.keys.lookupFor(holder as Parameters<ClientKeys['lookupFor']>[0]), {
      issuer: idp.document.issuer,
      audience: [deps.issuer, clientId, ...(idp.document.audiences ?? [])],
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
