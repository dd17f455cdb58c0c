import { defineProblem } from '../http/problem.js'

/** An identity-provider document whose keys are unusable, or that gives both or neither of jwks and jwks_uri. */
export const IdentityProviderInvalid = defineProblem('identity-provider-invalid', 'The identity-provider document is not valid', 422)

/** The organisation has no registered identity provider. */
export const UnknownIdentityProvider = defineProblem('unknown-identity-provider', 'No identity provider is registered for this organisation', 404)

/** Another organisation already registered an identity provider with this issuer. */
export const IdentityProviderIssuerTaken = defineProblem('identity-provider-issuer-taken', 'Another organisation registered this issuer', 409)
