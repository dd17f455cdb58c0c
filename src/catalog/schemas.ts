import { Type } from 'typebox'
import { CatalogAttributeSchema, CatalogDocumentSchema } from './catalog-document-schema.js'

const Domain = Type.String({ pattern: '^[a-z][a-z0-9]*$', description: 'Catalog domain, e.g. socialtjanst.' })
const Version = Type.String({ pattern: '^((0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)|latest)$', description: 'A semver version, or `latest`.' })

export const DomainParams = Type.Object({ domain: Domain })
export const VersionParams = Type.Object({ domain: Domain, version: Version })
export const AttributeParams = Type.Object({ domain: Domain, version: Version, id: Type.String({ pattern: '^[a-z][a-z0-9]*(\\.[a-z0-9][a-z0-9-]*)+$', maxLength: 200, description: 'Attribute id.' }) })
export const DiffQuery = Type.Object({
  from: Version,
  to: Version
}, { additionalProperties: false })

export const CatalogSummary = Type.Object({
  domains: Type.Array(Type.Object({
    domain: Type.String(),
    versions: Type.Array(Type.String(), { description: 'Oldest first.' }),
    latest: Type.String(),
    attributes: Type.Integer({ description: 'Attributes in the latest version.' })
  }))
})

export const AttributeResponse = Type.Object({ domain: Type.String(), version: Type.String(), attribute: CatalogAttributeSchema })

export const DiffResponse = Type.Object({
  domain: Type.String(),
  from: Type.String(),
  to: Type.String(),
  added: Type.Array(Type.String()),
  deprecated: Type.Array(Type.Object({ id: Type.String(), replaced_by: Type.Union([Type.String(), Type.Null()]) })),
  removed: Type.Array(Type.String()),
  changed: Type.Array(Type.Object({ id: Type.String(), fields: Type.Array(Type.String()) })),
  required_bump: Type.Enum(['major', 'minor', 'patch', 'none'], { description: 'The smallest version step these changes allow.' })
}, { additionalProperties: true })

export { CatalogDocumentSchema }
