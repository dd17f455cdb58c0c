import type { NamedSubject } from '../../tokens/subject-lookup.js'
import type { LoginContext } from '../../tokens/formats/attribute-token-format.js'

/** The login a subject token records: `acr` (its level of assurance) and `authTime` (epoch seconds), when it says them. Declared with the token formats, which carry it. */
export type { LoginContext }

/** RFC 8693 §3 token type URNs. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token'
export const SAML2_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:saml2'

/** Who a verified subject token names: the organisation it is resolved in (one its IdP serves), the person as the login names them, and the login. */
export interface VerifiedSubject { organisation: string, subject: NamedSubject, login: LoginContext }

/**
 * One kind of subject_token (RFC 8693 §2.1). Each lives in this folder and is listed by
 * its token type in subject-token-verifiers.ts. A token that does not verify, or names no
 * person, is refused with an OAuth error (invalidSubjectToken).
 */
export interface SubjectTokenVerifier {
  /**
   * `clientId`: the authenticated relying party, an audience the token may name;
   * `audiences`: its `subject_token_audiences`, the other names its logins are issued to.
   */
  verify (token: string, clientId: string, audiences: readonly string[]): Promise<VerifiedSubject>
}
