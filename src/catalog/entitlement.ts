/**
 * Entitlement URIs (attribute-catalog/README.md, "Entitlement URIs"): how a catalog
 * attribute, and an attribute held at one unit, is written for consumers that match on
 * eduPersonEntitlement-style values (OIDC `eduperson_entitlement`, SAML
 * `eduPersonEntitlement`).
 */

/** The namespace of behorig's own entitlement URNs; the attribute id follows it. */
export const ENTITLEMENT_URN_PREFIX = 'urn:behorig:entitlement:'

/**
 * The attribute's entitlement URI: `external.entitlement` where the catalog gives one,
 * otherwise `urn:behorig:entitlement:<id>` (attributes of versions written before every
 * attribute carried one render the same way).
 */
export function entitlementOf (attribute: { id: string, external?: { entitlement?: string } }): string {
  return attribute.external?.entitlement ?? ENTITLEMENT_URN_PREFIX + attribute.id
}

/**
 * The entitlement of an attribute held at one unit of one organisation:
 * `<entitlement>:unit:<orgnr>:<unit id>`, the unit id percent-encoded except for RFC 3986's
 * unreserved characters (so a `:` or `/` in a unit id cannot be read as a separator).
 * The organisation number makes the value stand on its own: unit ids are only unique
 * within one organisation.
 */
export function unitEntitlement (entitlement: string, organisation: string, unitId: string): string {
  return `${entitlement}:unit:${organisation}:${encodeUnitId(unitId)}`
}

function encodeUnitId (unitId: string): string {
  return encodeURIComponent(unitId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
