import { Type } from 'typebox'
import { ENTITLEMENT_URN_PREFIX } from './entitlement.js'

/**
 * The catalog document, defined once. `schemas/attribute-catalog.schema.json` is this
 * schema rendered by `npm run catalog -- schema` (a test keeps the two equal), the
 * TypeScript types are `Static<>` of it, and API routes can reuse it as a response schema.
 */
export const CATALOG_SCHEMA_ID = 'https://behorig.se/schemas/attribute-catalog/1.0.0'

export const ATTRIBUTE_STATUSES = ['active', 'deprecated'] as const
export const ATTRIBUTE_SCOPES = ['organisation', 'unit'] as const

export const DOMAIN_PATTERN = '^[a-z][a-z0-9]*$'
export const ATTRIBUTE_ID_PATTERN = '^[a-z][a-z0-9]*(\\.[a-z0-9][a-z0-9-]*)+$'
export const CODE_PATTERN = '^[a-z][a-z0-9-]*$'
/** MAJOR.MINOR.PATCH only: a published catalog has no pre-release or build suffix; drafts are 0.x. */
export const VERSION_PATTERN = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$'
export const SFS_PATTERN = '^[0-9]{4}:[0-9]+$'
/**
 * An entitlement URI (attribute-catalog/README.md, "Entitlement URIs"): behorig's URN, whose
 * last part matches ATTRIBUTE_ID_PATTERN, or an https URI with a host and no query, fragment,
 * whitespace or `:unit:`, so that `:unit:<orgnr>:<unit id>` can be appended and read back.
 */
export const ENTITLEMENT_PATTERN = `^(${ENTITLEMENT_URN_PREFIX}${ATTRIBUTE_ID_PATTERN.slice(1, -1)}|https://(?!.*:unit:)[^\\s?#/]+(/[^\\s?#]*)?)$`

const text = (what: string) => Type.Object({
  sv: Type.String({ minLength: 1, description: `${what}, in Swedish.` }),
  en: Type.String({ minLength: 1, description: `${what}, in English.` })
}, { additionalProperties: false, description: `${what}, in Swedish (sv) and English (en).` })

const codeList = (what: string, example: string) => Type.Array(Type.Object({
  code: Type.String({ pattern: CODE_PATTERN, maxLength: 40, description: `Stable code of the ${what}, e.g. \`${example}\`. Lowercase ASCII letters, digits and hyphens; never reused for something else.` }),
  label: text(`Name of the ${what}`)
}, { additionalProperties: false, description: `One ${what}: a stable code and its name.` }), {
  description: `The ${what} codes this domain uses. Every attribute's \`${what === 'area' ? 'area' : 'function'}\` must be one of them.`
})

export const LegalReferenceSchema = Type.Object({
  act: Type.String({ minLength: 1, description: 'The act\'s title as in the Swedish Code of Statutes (SFS) or the EU Official Journal, e.g. `Socialtjänstlag` or `Lag med särskilda bestämmelser om vård av unga`.' }),
  sfs: Type.Optional(Type.String({ pattern: SFS_PATTERN, description: 'SFS number of the act, year and serial number, e.g. `2025:400`. Names the version of the act: a new act replacing an old one has a new number.' })),
  version: Type.Optional(Type.String({ minLength: 1, description: 'For acts without an SFS number: their official designation, e.g. `(EU) 2016/679`.' })),
  section: Type.Optional(Type.String({ minLength: 1, description: 'Chapter and sections when the basis is narrower than the whole act, e.g. `6 kap. 37–40 §§`. Left out rather than guessed.' })),
  in_force_from: Type.Optional(Type.String({ format: 'date', description: 'Date the referenced version of the act came into force (YYYY-MM-DD), when that matters to the reader, e.g. `2025-07-01` for Socialtjänstlag (2025:400).' }))
}, {
  additionalProperties: false,
  description: 'One act (or part of one) that the work behind an attribute rests on. Names the act and its version (SFS number or, outside SFS, another designation).',
  anyOf: [{ type: 'object', required: ['sfs'] }, { type: 'object', required: ['version'] }]
})

export const ConsumerSchema = Type.Object({
  agency: Type.String({ minLength: 1, description: 'The agency or organisation running the e-service, e.g. `Försäkringskassan`.' }),
  service: Type.Optional(Type.String({ minLength: 1, description: 'The e-service or information exchange that asks for this attribute, e.g. `SSBTEK`.' }))
}, { additionalProperties: false, description: 'A typical relying party for the attribute. Informative: who may actually receive it is decided by each relying party\'s release policy.' })

export const ExternalMappingSchema = Type.Object({
  entitlement: Type.Optional(Type.String({ pattern: ENTITLEMENT_PATTERN, description: 'The attribute rendered as an entitlement URI for eduPersonEntitlement-style consumers (SAML `eduPersonEntitlement`, OIDC `eduperson_entitlement`, RFC 9068 `entitlements`): `urn:behorig:entitlement:<id>` (the default when absent) or an https URI without `?`, `#`, whitespace or `:unit:`. An attribute held at a unit is `<entitlement>:unit:<orgnr>:<unit id>`. Once given, a URI never names another attribute.' })),
  claims: Type.Optional(Type.Array(Type.String({ format: 'uri', description: 'A claim name from the Swedish OpenID Connect profile, e.g. `https://id.oidc.se/claim/orgNumber`.' }), {
    uniqueItems: true,
    description: 'Claims of the Swedish OpenID Connect profile (OIDC Sweden) that carry the context this attribute is exercised in, for relying parties that read those claims beside it: for organisation-wide attributes, the organisation it acts for.'
  }))
}, { additionalProperties: false, description: 'How the attribute is expressed in vocabularies outside behorig.' })

export const CatalogAttributeSchema = Type.Object({
  id: Type.String({ pattern: ATTRIBUTE_ID_PATTERN, maxLength: 120, description: 'Stable identifier that mappings grant and release policies name: the domain, then dot-separated lowercase parts, by convention `<domain>.<area>.<function>`, e.g. `socialtjanst.eb.handlaggare`. Never changes meaning and is never reused once removed.' }),
  label: text('Short name of the attribute'),
  definition: text('Who holds the attribute: the work it stands for, who is included and who is not, precise enough that two organisations map the same staff to it'),
  area: Type.Optional(Type.String({ pattern: CODE_PATTERN, description: 'Code from the domain\'s `areas` list: the kind of cases the work concerns. Absent when the attribute is not tied to one area (representation of the organisation, access administration, management of several areas).' })),
  function: Type.String({ pattern: CODE_PATTERN, description: 'Code from the domain\'s `functions` list: the role the holder has in that work.' }),
  authority_exercise: Type.Boolean({ description: 'True when holders investigate or decide individual cases (myndighetsutövning mot enskild), themselves or under delegation; false for preparatory, administrative and representative work.' }),
  scope: Type.Enum(ATTRIBUTE_SCOPES, { description: '`unit`: a grant is tied to the unit(s) where the person works or which they lead, and tokens name the unit. `organisation`: the attribute is exercised for the whole organisation.' }),
  legal_basis: Type.Array(LegalReferenceSchema, { description: 'The acts the work rests on, each with its version. Empty when the role rests only on the organisation\'s own arrangements (for example an appointment no act provides for).' }),
  consumers: Type.Array(ConsumerSchema, { description: 'Typical agencies and e-services that ask for this attribute. May be empty.' }),
  status: Type.Enum(ATTRIBUTE_STATUSES, { description: '`active`, or `deprecated`: still valid in this version and still granted, but on its way out; `replaced_by` names the successor, or `deprecation_note` says why there is none.' }),
  replaced_by: Type.Optional(Type.String({ pattern: ATTRIBUTE_ID_PATTERN, description: 'Only when `status` is `deprecated`: the id of the active attribute that takes over, either in this version of the same domain or in another domain (active in some version of it). A deprecated attribute has either `replaced_by` or `deprecation_note`, never both.' })),
  deprecation_note: Type.Optional(text('Only when `status` is `deprecated` and no attribute takes over: why the attribute is deprecated, what holders and consumers do instead, and when it leaves the catalog')),
  retires_on: Type.Optional(Type.String({ format: 'date', description: 'Only when `status` is `deprecated`: the day the attribute retires, YYYY-MM-DD (a Swedish calendar day). Holders keep it up to and including the day before; from this day on it is neither granted nor released, for every organisation whose active mapping uses this catalog version, without a new publish: the day job recomputes their people and revokes live tokens that carry it.' })),
  external: Type.Optional(ExternalMappingSchema)
}, {
  additionalProperties: false,
  description: 'One authorization attribute: a function a person holds in an organisation, with the facets consumers reason about.',
  if: { type: 'object', properties: { status: { const: 'deprecated' } }, required: ['status'] },
  // Deprecated: replaced_by or deprecation_note (never both: the document rules refuse that).
  // Each branch names the property it requires, so that linters reading the branch alone see it.
  then: {
    type: 'object',
    anyOf: [
      { type: 'object', properties: { replaced_by: {} }, required: ['replaced_by'] },
      { type: 'object', properties: { deprecation_note: {} }, required: ['deprecation_note'] }
    ]
  }
})

export const CatalogDocumentSchema = Type.Object({
  domain: Type.String({ pattern: DOMAIN_PATTERN, maxLength: 40, description: 'The domain this catalog covers, e.g. `socialtjanst` or `skola`. Matches the folder the file lives in and the first part of every attribute id.' }),
  version: Type.String({ pattern: VERSION_PATTERN, description: 'Semantic version of this catalog, MAJOR.MINOR.PATCH, e.g. `1.0.0`. Matches the file name. A published version never changes; 0.x versions are drafts.' }),
  title: text('Title of the catalog'),
  description: text('What the catalog covers and what it leaves out'),
  areas: codeList('area', 'eb'),
  functions: codeList('function', 'handlaggare'),
  attributes: Type.Array(CatalogAttributeSchema, { minItems: 1, description: 'The attributes of this version, active and deprecated. Order carries no meaning.' })
}, {
  additionalProperties: false,
  description: 'One version of the attribute catalog of one domain: its code lists and attributes.'
})

/** The catalog schema as a standalone JSON Schema 2020-12 document, key order fit for reading. */
export function catalogJsonSchema (): Record<string, unknown> {
  return readableOrder({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: CATALOG_SCHEMA_ID,
    title: 'behorig attribute catalog',
    ...CatalogDocumentSchema
  }) as Record<string, unknown>
}

const LEADING_KEYS = ['$schema', '$id', 'title', 'description', 'type', 'required', 'additionalProperties']

// JSON.stringify keeps insertion order; describing a property before its constraints reads better.
// The members of `properties` are field names, not keywords: their order is left alone.
function readableOrder (value: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(value)) return value.map((item) => readableOrder(item))
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  const ordered = isPropertyMap ? keys : [...LEADING_KEYS.filter((k) => keys.includes(k)), ...keys.filter((k) => !LEADING_KEYS.includes(k))]
  return Object.fromEntries(ordered.map((k) => [k, readableOrder(record[k], !isPropertyMap && k === 'properties')]))
}
