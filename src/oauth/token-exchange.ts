import { ProblemError, refusalReason } from '../http/problem.js'
import { LOA3, meetsLoa } from '../identifiers/loa.js'
import type { StoredRelyingParty } from '../relying-parties/repository.js'
import type { AttributeTokenService } from '../tokens/attribute-token-service.js'
import { SubjectNotFound } from '../tokens/errors.js'
import { ValidationFailed } from '../http/errors.js'
import { invalidSubjectToken, invalidRequest, OAuthError } from './errors.js'
import type { GrantHandler } from './grants.js'
import { JWT_TOKEN_TYPE, type LoginContext, type SubjectTokenVerifier, type VerifiedSubject } from './subject-tokens/subject-token-verifier.js'
import type { SubjectTokenVerifiers } from './subject-tokens/subject-token-verifiers.js'
import { NO_PERSON } from './subject-tokens/login-subject.js'

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'

export interface TokenExchangeDeps {
  /** By subject_token_type (subject-tokens/subject-token-verifiers.ts). */
  subjectTokens: SubjectTokenVerifiers
  attributeTokens: Pick<AttributeTokenService, 'issueFor'>
  /**
   * Told of an exchange refused before issuance (its subject_token or login not accepted),
   * by the OAuth error code; issuance tells of its own refusals (IssuanceObserver).
   */
  refused?: (clientId: string, reason: string) => void
}

/**
 * RFC 8693: a relying party (authenticated with private_key_jwt) hands in a login that a
 * registered identity provider issued about a person, and gets that person's attribute
 * token. The subject_token_type's verifier finds the organisation and names the person;
 * the login must meet the party's `min_loa`.
 */
export function tokenExchangeGrant (deps: TokenExchangeDeps): GrantHandler {
  /** The verified login, or the refusal (told to `refused`). */
  async function acceptedLogin (form: Parameters<GrantHandler>[0], client: StoredRelyingParty): Promise<VerifiedSubject> {
    try {
      const { token, verifier } = requireParameters(form, deps.subjectTokens)
      const verified = await verifier.verify(token, client.clientId, client.document.subject_token_audiences ?? [])
      requireAssurance(verified.login, client)
      return verified
    } catch (error) {
      const reason = error instanceof OAuthError && error.status < 500 ? error.code : refusalReason(error)
      if (reason !== undefined) deps.refused?.(client.clientId, reason)
      throw error
    }
  }

  return async function tokenExchange (form, client) {
    const { organisation, subject, login } = await acceptedLogin(form, client)
    try {
      const issued = await deps.attributeTokens.issueFor(client.clientId, organisation, subject, form.domain, login, form.purpose)
      return { access_token: issued.attribute_token, issued_token_type: JWT_TOKEN_TYPE, token_type: 'N_A', expires_in: issued.expires_in }
    } catch (error) {
      if (error instanceof ProblemError && error.definition.slug === SubjectNotFound.slug) throw invalidSubjectToken(NO_PERSON)
      // A missing, unknown or superfluous purpose: the caller's request, not the login, is at fault.
      if (error instanceof ProblemError && error.definition.slug === ValidationFailed.slug) throw invalidRequest(`purpose ${error.errors?.[0]?.detail ?? 'is not valid'}`)
      throw error
    }
  }
}

function requireParameters (form: Parameters<GrantHandler>[0], verifiers: SubjectTokenVerifiers): { token: string, verifier: SubjectTokenVerifier } {
  if (!form.subject_token || !form.subject_token_type) throw invalidRequest('token exchange needs subject_token and subject_token_type')
  const verifier = verifiers.get(form.subject_token_type)
  if (!verifier) throw invalidRequest(`subject_token_type must be ${[...verifiers.keys()].join(' or ')}`)
  if (form.requested_token_type !== undefined && form.requested_token_type !== JWT_TOKEN_TYPE) throw invalidRequest(`requested_token_type must be ${JWT_TOKEN_TYPE}`)
  return { token: form.subject_token, verifier }
}

/**
 * The login's level must meet the party's. The refusal names the level required, never the
 * one the token carried: whatever the token says stays out of the answer.
 */
function requireAssurance (login: LoginContext, client: StoredRelyingParty): void {
  const required = client.document.min_loa ?? LOA3
  if (!meetsLoa(login.acr, required)) throw invalidRequest(`the subject_token's login does not meet the level of assurance this client requires: ${required}`)
}
