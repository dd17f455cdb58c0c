import { OIDC_SE_CLAIM } from '../identifiers/oidc-se-claims.js'
import type { SubjectMatchType } from './schemas.js'

/**
 * The attribute (SAML) and claim (OIDC) names under which a login carries each identifier,
 * in the order they are looked for. An IdP's `subject.claims` names its own instead.
 *
 * SAML: Sweden Connect's attribute specification (ELN-0604) and eduPerson; Sambi names the
 * HSA-id `http://sambi.se/attributes/1/employeeHsaId`. OIDC: "Claims and Scopes
 * Specification for the Swedish OpenID Connect Profile" (oidc.se), the REFEDS eduPerson
 * claim name, Sambi's `employeeHsaId`, and behorig's plain v1 names.
 */
export const SAML_ATTRIBUTE_NAMES: Readonly<Record<SubjectMatchType, readonly string[]>> = {
  'org-affiliation': ['urn:oid:1.2.752.201.3.1'],
  'hsa-id': ['urn:oid:1.2.752.29.6.2.1', 'http://sambi.se/attributes/1/employeeHsaId'],
  eppn: ['urn:oid:1.3.6.1.4.1.5923.1.1.1.6'],
  'personal-identity-number': ['urn:oid:1.2.752.29.4.13'],
  'employee-number': ['urn:oid:2.16.840.1.113730.3.1.3'],
  email: ['urn:oid:0.9.2342.19200300.100.1.3'],
  'service-id': []
}

export const OIDC_CLAIM_NAMES: Readonly<Record<SubjectMatchType, readonly string[]>> = {
  'org-affiliation': [OIDC_SE_CLAIM.orgAffiliation],
  'hsa-id': ['employeeHsaId', 'hsa_id'],
  eppn: ['eduperson_principal_name'],
  'personal-identity-number': [OIDC_SE_CLAIM.personalIdentityNumber],
  'employee-number': ['employee_number'],
  email: ['email'],
  'service-id': ['service_id']
}
