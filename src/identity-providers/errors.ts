import { defineProblem } from '../http/problem.js'

/** An identity-provider document that does not hold together: keys, metadata, organisations (each with a JSON Pointer). */
export const IdentityProviderInvalid = defineProblem('identity-provider-invalid', 'The identity-provider document is not valid', 422)

/** No registration by that id, or the organisation has no shortcut registration. */
export const UnknownIdentityProvider = defineProblem('unknown-identity-provider', 'No such identity provider is registered', 404)

/** Another registration already holds this issuer (OIDC `iss` or SAML entityID). */
export const IdentityProviderIssuerTaken = defineProblem('identity-provider-issuer-taken', 'Another registration holds this issuer', 409)

/** `org-<orgnr>` ids belong to the organisation route's shortcut registrations. */
export const IdentityProviderShortcut = defineProblem('identity-provider-shortcut', 'This id is kept for an organisation\'s shortcut registration', 409)
