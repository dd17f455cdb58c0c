import { assertionIssuer, SAML_ASSERTION_MAX_BYTES, verifyAssertion } from '../../saml/assertion.js'
import { SamlError } from '../../saml/errors.js'
import type { IdentityProviderService } from '../../identity-providers/service.js'
import type { ReplayGuard } from '../replay-guard.js'
import { invalidSubjectToken } from '../errors.js'
import { loginSubject } from './login-subject.js'
import type { SubjectTokenVerifier } from './subject-token-verifier.js'

/** How far the clocks of IdP and behorig may differ (the SAML security literature's bound). */
export const SAML_CLOCK_SKEW_SECONDS = 60
/** base64url of SAML_ASSERTION_MAX_BYTES, with room for padding. */
const MAX_ENCODED_LENGTH = Math.ceil(SAML_ASSERTION_MAX_BYTES / 3) * 4 + 4
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/
const MAX_ASSERTION_ID_LENGTH = 256

export interface SamlSubjectTokenDeps {
  identityProviders: Pick<IdentityProviderService, 'findSaml'>
  replay: ReplayGuard
}

/**
 * A SAML 2.0 `<saml:Assertion>` (RFC 8693 §3: base64url-encoded) that a registered SAML
 * identity provider issued about a person. Its `<Issuer>` finds the registration, whose
 * metadata's certificates must have signed it (src/saml holds the signature-wrapping,
 * algorithm, DTD and time rules); its audience must be the calling relying party's; each
 * assertion ID is accepted once until it expires.
 */
export function samlSubjectToken (deps: SamlSubjectTokenDeps): SubjectTokenVerifier {
  return {
    async verify (token, clientId, audiences) {
      if (token.length > MAX_ENCODED_LENGTH) throw invalidSubjectToken(`the subject_token is larger than a SAML assertion may be (${SAML_ASSERTION_MAX_BYTES} bytes)`)
      if (!BASE64URL.test(token)) throw invalidSubjectToken('the subject_token is not a base64url-encoded SAML assertion')
      const xml = Buffer.from(token, 'base64url').toString('utf8')
      const found = await deps.identityProviders.findSaml(refusingSamlErrors(() => assertionIssuer(xml)))
      if (!found) throw invalidSubjectToken('the subject_token\'s issuer is not a registered identity provider')
      if (found.certificates.length === 0) throw invalidSubjectToken('the identity provider\'s metadata has expired')
      const assertion = refusingSamlErrors(() => verifyAssertion(xml, { certificates: found.certificates, audiences: [clientId, ...audiences], skewSeconds: SAML_CLOCK_SKEW_SECONDS }))
      if (assertion.issuer !== found.idp.entity) throw invalidSubjectToken('the subject_token\'s signed issuer is not the identity provider it names')
      if (assertion.id.length > MAX_ASSERTION_ID_LENGTH) throw invalidSubjectToken('the subject_token\'s assertion ID is too long')
      const rememberForMs = assertion.notOnOrAfter.getTime() - Date.now() + SAML_CLOCK_SKEW_SECONDS * 1000
      if (!await deps.replay.firstUse(`saml:${found.idp.entity}`, assertion.id, rememberForMs)) throw invalidSubjectToken('the subject_token\'s assertion was already used')
      const named = loginSubject(found.idp, (names) => names.flatMap((name) => assertion.attributes.get(name) ?? []))
      return {
        ...named,
        login: {
          ...(assertion.authnContextClassRef !== undefined ? { acr: assertion.authnContextClassRef } : {}),
          ...(assertion.authnInstant !== undefined ? { authTime: Math.floor(assertion.authnInstant.getTime() / 1000) } : {})
        }
      }
    }
  }
}

/** A SAML refusal is an invalid subject token; its message names the rule, never the input. */
function refusingSamlErrors<T> (read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof SamlError) throw invalidSubjectToken(`the subject_token is not an acceptable SAML assertion: ${error.message}`)
    throw error
  }
}
