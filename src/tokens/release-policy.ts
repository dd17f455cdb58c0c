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

/** An organisation's approval of a relying party, as issuance and revocation read it. */
export interface Approval {
  attributes: 'all-released' | readonly string[]
  purposes: readonly string[]
  /** The last evaluation day it holds (YYYY-MM-DD); null: until withdrawn. */
  valid_until: string | null
}

/**
 * An approval's attributes as a jsonb column gives them: node-postgres parses the scalar
 * "all-released" to a plain string, which a second JSON.parse would refuse.
 */
export function approvedAttributesOf (column: unknown): Approval['attributes'] {
  if (column === 'all-released') return column
  return typeof column === 'string' ? JSON.parse(column) as Approval['attributes'] : column as string[]
}

/** Whether the approval holds on this evaluation day. */
export function approvalHolds (approval: Approval, day: string): boolean {
  return approval.valid_until === null || approval.valid_until >= day
}

/** Whether the approval lets this attribute through (the release policy is checked apart). */
export function approvesAttribute (approval: Approval, attributeId: string): boolean {
  return approval.attributes === 'all-released' || approval.attributes.includes(attributeId)
}

/** Whether the approval lets a request state this purpose; a request stating none needs no purpose approved. */
export function approvesPurpose (approval: Approval, purpose: string | null | undefined): boolean {
  return purpose === null || purpose === undefined || approval.purposes.includes(purpose)
}

/** Whether an issued token (what it carries, what it was asked for) is still within the approval on this day. */
export function approvalCovers (approval: Approval | undefined, token: { attributes: ReadonlyArray<{ id: string }>, purpose?: string | null }, day: string): boolean {
  return approval !== undefined && approvalHolds(approval, day) && approvesPurpose(approval, token.purpose) &&
    token.attributes.every((a) => approvesAttribute(approval, a.id))
}
