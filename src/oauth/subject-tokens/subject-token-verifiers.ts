import { jwtSubjectToken, type JwtSubjectTokenDeps } from './jwt-subject-token.js'
import { samlSubjectToken, type SamlSubjectTokenDeps } from './saml-subject-token.js'
import { ID_TOKEN_TYPE, JWT_TOKEN_TYPE, SAML2_TOKEN_TYPE, type SubjectTokenVerifier } from './subject-token-verifier.js'

/** By subject_token_type. A Map, not an object: a request's `toString` or `__proto__` must name no type. */
export type SubjectTokenVerifiers = ReadonlyMap<string, SubjectTokenVerifier>

export type SubjectTokenVerifierDeps = JwtSubjectTokenDeps & SamlSubjectTokenDeps

/** Every subject_token_type token exchange accepts; a new type is a file in this folder and a line here. */
export function subjectTokenVerifiers (deps: SubjectTokenVerifierDeps): SubjectTokenVerifiers {
  const jwt = jwtSubjectToken(deps)
  return new Map([
    [JWT_TOKEN_TYPE, jwt],
    [ID_TOKEN_TYPE, jwt],
    [SAML2_TOKEN_TYPE, samlSubjectToken(deps)]
  ])
}
