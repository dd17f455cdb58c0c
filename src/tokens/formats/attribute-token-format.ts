import type { KeyService } from '../../keys/service.js'
import type { HeldAttribute } from '../attribute-token-repository.js'

/**
 * The login a token is issued from (token exchange): its level of assurance, an
 * authentication context URI (identifiers/loa.ts), and when the person authenticated,
 * in seconds since the epoch. Either may be unknown.
 */
export interface LoginContext { acr?: string, authTime?: number }

/**
 * The national names a token carries beside the v1 claims when the relying party's
 * claims_profile is `sweden` (docs/tokens.md): decided by the service, written by a format.
 */
export interface NationalClaims {
  /** `<service-id>@<orgnr>`; only under a policy whose subject is the service id. */
  orgAffiliation?: string
  /** One entitlement URI per released attribute, in the order of `attributes`, unit-qualified where held at a unit. */
  entitlements: string[]
}

/**
 * What the service decided one token says, before any format says how: who it is about and
 * for, what it carries, and when it lives. Times are seconds since the epoch.
 */
export interface IssuanceDecision {
  issuer: string
  /** The relying party's client_id. */
  audience: string
  /** The subject identifier the party's policy asks for. */
  subject: string
  organisation: { number: string, name: string }
  /** The released attributes, all of one catalog domain. */
  attributes: readonly HeldAttribute[]
  catalog: { domain: string, version: string }
  /** When the data was last known fresh (ISO 8601). */
  sourceAsOf: string
  /** Where the token's revocation bit is (draft-ietf-oauth-status-list §6.1). */
  status: { idx: number, uri: string }
  jti: string
  /** Present only for a token issued from a login; a direct lookup names none. */
  login?: LoginContext
  /** The purpose id the request stated; absent when it stated none. */
  purpose?: string
  /** Present only under claims_profile `sweden`. */
  national?: NationalClaims
  issuedAt: number
  expiresAt: number
}

export type TokenSigner = Pick<KeyService, 'signer'>['signer']

/**
 * One way of writing an attribute token. Every format lives in this folder and is listed in
 * format-registry.ts; the service decides what a token says, a format only how.
 */
export interface AttributeTokenFormat {
  /** The registry key. */
  readonly name: string
  /** The JOSE header `typ` (RFC 7515 §4.1.9). */
  readonly typ: string
  readonly mediaType: string
  claims (decision: IssuanceDecision): Record<string, unknown>
  /** The token as the relying party receives it. */
  sign (decision: IssuanceDecision, signer: TokenSigner): Promise<string>
}
