import type { RelyingPartyDocument } from '../relying-parties/relying-party-document.js'

type Release = RelyingPartyDocument['release']

/** Whether the policy lets the relying party ask about this organisation's staff. */
export function releasesOrganisation (release: Release, organisation: string): boolean {
  return release.organisations === 'all' || release.organisations.includes(organisation)
}

/** Whether the policy releases this attribute: named by id, or its whole catalog domain. */
export function releasesAttribute (release: Release, attribute: { attribute_id: string, domain: string }): boolean {
  return release.attributes.includes(attribute.attribute_id) || release.domains.includes(attribute.domain)
}
