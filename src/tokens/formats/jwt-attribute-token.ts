import type { AttributeTokenFormat, IssuanceDecision } from './attribute-token-format.js'

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
    attributes: decision.attributes.map((a) => ({ id: a.attribute_id, ...(a.unit_id !== null ? { unit: a.unit_id } : {}), ...(a.valid_until !== null ? { valid_until: a.valid_until } : {}) })),
    catalog: decision.catalog,
    source_as_of: decision.sourceAsOf,
    status: { status_list: { idx: decision.status.idx, uri: decision.status.uri } },
    // OIDC Core §2 names: the level and time of the login the token was exchanged for.
    ...(decision.login?.acr !== undefined ? { acr: decision.login.acr } : {}),
    ...(decision.login?.authTime !== undefined ? { auth_time: decision.login.authTime } : {})
  }
}
