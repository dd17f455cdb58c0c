/**
 * Claim names of the Swedish OpenID Connect profile ("Claims and Scopes Specification for
 * the Swedish OpenID Connect Profile", oidc.se, 1.0): logins carry them, and attribute
 * tokens under claims_profile `sweden` write the organisation ones.
 */
export const OIDC_SE_CLAIM = {
  orgNumber: 'https://id.oidc.se/claim/orgNumber',
  orgName: 'https://id.oidc.se/claim/orgName',
  /** `<personal id>@<orgnr>`: read it by splitting at the last `@`. */
  orgAffiliation: 'https://id.oidc.se/claim/orgAffiliation',
  personalIdentityNumber: 'https://id.oidc.se/claim/personalIdentityNumber'
} as const
