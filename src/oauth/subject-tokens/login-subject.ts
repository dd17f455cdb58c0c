import { parseOrganisationNumber } from '../../identifiers/organisation-number.js'
import { OIDC_CLAIM_NAMES, SAML_ATTRIBUTE_NAMES } from '../../identity-providers/login-names.js'
import type { SubjectMatchType } from '../../identity-providers/schemas.js'
import type { StoredIdentityProvider } from '../../identity-providers/repository.js'
import type { NamedSubject } from '../../tokens/subject-lookup.js'
import { invalidSubjectToken } from '../errors.js'
import type { VerifiedSubject } from './subject-token-verifier.js'

/**
 * The one answer for every login that names no one behorig may issue for: no identifier,
 * an organisation the IdP does not serve, an ambiguous value, or (at issuance) a person who
 * is not in the organisation. A caller learns nothing about which people exist.
 */
export const NO_PERSON = 'no attributes this client may receive for the person the subject_token names'

/** The values a login carries under any of these attribute or claim names (empty strings dropped). */
export type LoginValues = (names: readonly string[]) => string[]

/**
 * Who a verified login names, and in which organisation: the identifiers of the IdP's
 * `subject.match`, in that order; the first the login carries decides.
 *
 * An orgAffiliation (`<local id>@<orgnr>`) is split at the last `@`, since a local id may be
 * an e-mail address; its organisation must be one the IdP serves, else the login is refused
 * (never resolved elsewhere). Identifiers without an organisation are looked up in the IdP's
 * `default_organisation`, or its only organisation.
 */
export function loginSubject (idp: StoredIdentityProvider, values: LoginValues): Pick<VerifiedSubject, 'organisation' | 'subject'> {
  const { subject, default_organisation: defaultOrganisation } = idp.document
  const names = idp.kind === 'saml' ? SAML_ATTRIBUTE_NAMES : OIDC_CLAIM_NAMES
  for (const type of subject.match) {
    const override = subject.claims?.[type]
    const found = distinct(values(override !== undefined ? [override] : names[type]))
    if (found.length === 0) continue
    if (type === 'org-affiliation') return orgAffiliation(found, idp)
    const organisation = defaultOrganisation ?? (idp.organisations.length === 1 ? idp.organisations[0] : undefined)
    if (organisation === undefined || found.length > 1) break
    return { organisation, subject: { type: namedType(type), value: found[0] as string } }
  }
  throw invalidSubjectToken(NO_PERSON)
}

function orgAffiliation (values: string[], idp: StoredIdentityProvider): Pick<VerifiedSubject, 'organisation' | 'subject'> {
  const served = values.flatMap((value) => {
    const at = value.lastIndexOf('@')
    if (at <= 0) return []
    const organisation = parseOrganisationNumber(value.slice(at + 1))
    return organisation.ok && idp.organisations.includes(organisation.value) ? [{ organisation: organisation.value, local: value.slice(0, at) }] : []
  })
  const only = served.length === 1 ? served[0] : undefined
  if (!only) throw invalidSubjectToken(NO_PERSON)
  const localType = idp.document.subject.org_affiliation_local_id ?? 'employee-number'
  return { organisation: only.organisation, subject: { type: localType, value: only.local } }
}

/** How each identifier is looked up among the organisation's people. */
function namedType (type: Exclude<SubjectMatchType, 'org-affiliation'>): NamedSubject['type'] {
  return type === 'eppn' ? 'username' : type
}

function distinct (values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))]
}
