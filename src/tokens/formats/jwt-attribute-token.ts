import { OIDC_SE_CLAIM } from '../../identifiers/oidc-se-claims.js'
import type { HeldAttribute } from '../attribute-token-repository.js'
import type { AttributeTokenFormat, IssuanceDecision, NationalClaims } from './attribute-token-format.js'

export const ATTRIBUTE_TOKEN_TYPE = 'attribute-token+jwt'

/** A JWS over the claims docs/tokens.md lists: the first format, and the default. */
export const jwtAttributeToken: AttributeTokenFormat = {
  name: ATTRIBUTE_TOKEN_TYPE,
  typ: ATTRIBUTE_TOKEN_TYPE,
  mediaType: `application/${ATTRIBUTE_TOKEN_TYPE}`,
  claims: attributeTokenClaims,
  sign: (decision, signer) => signer.sign({ typ: ATTRIBUTE_TOKEN_TYPE }, attributeTokenClaims(decision))
}

function attributeTokenClaims (decision: IssuanceDecision): Record<string, unknown> {
  return {
    iss: decision.issuer,
    sub: decision.subject,
    aud: decision.audience,
    iat: decision.issuedAt,
    nbf: decision.issuedAt,
    exp: decision.expiresAt,
    jti: decision.jti,
    organisation: decision.organisation,
    attributes: decision.attributes.map((a) => ({
      id: a.attribute_id,
      ...(a.unit_id !== null ? { unit: a.unit_id } : {}),
      ...(a.valid_until !== null ? { valid_until: a.valid_until } : {}),
      ...(decision.national ? unitNames(a) : {})
    })),
    catalog: decision.catalog,
    source_as_of: decision.sourceAsOf,
    status: { status_list: { idx: decision.status.idx, uri: decision.status.uri } },
    // Only when the request stated one: a token without a purpose stays as v1 wrote it.
    ...(decision.purpose !== undefined ? { purpose: decision.purpose } : {}),
    ...(decision.national ? nationalClaims(decision.organisation, decision.national) : {}),
    // OIDC Core §2 names: the level and time of the login the token was exchanged for.
    ...(decision.login?.acr !== undefined ? { acr: decision.login.acr } : {}),
    ...(decision.login?.authTime !== undefined ? { auth_time: decision.login.authTime } : {})
  }
}

/** OIDC Sweden's organisation claims and the eduPerson entitlements, after the v1 claims (claims_profile sweden). */
function nationalClaims (organisation: IssuanceDecision['organisation'], national: NationalClaims): Record<string, unknown> {
  return {
    [OIDC_SE_CLAIM.orgNumber]: organisation.number,
    [OIDC_SE_CLAIM.orgName]: organisation.name,
    ...(national.orgAffiliation !== undefined ? { [OIDC_SE_CLAIM.orgAffiliation]: national.orgAffiliation } : {}),
    eduperson_entitlement: national.entitlements
  }
}

/** The identifiers an agency knows the unit by, those the HR source gave. */
function unitNames (attribute: HeldAttribute): Record<string, string> {
  if (attribute.unit_id === null) return {}
  return {
    ...(attribute.unit_name !== null ? { unit_name: attribute.unit_name } : {}),
    ...(attribute.unit_hsa_id !== null ? { unit_hsa_id: attribute.unit_hsa_id } : {}),
    ...(attribute.unit_school_unit_code !== null ? { school_unit_code: attribute.unit_school_unit_code } : {})
  }
}
