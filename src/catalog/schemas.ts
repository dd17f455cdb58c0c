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
  references: Type.Array(Type.Object({
    act: Type.String(),
    from: Type.String({ description: 'The older version\'s references to this act, written out, e.g. `Kommunallag (2017:725) 6 kap. 33–37 §§`.' }),
    to: Type.String({ description: 'The newer version\'s, written the same way.' }),
    attributes: Type.Array(Type.String(), { description: 'The attributes that carry this revision.' })
  }), { description: 'Revised references to acts that attributes in both versions rest on, one entry per revision: what a lawyer reviews.' }),
  codes: Type.Array(Type.Object({
    list: Type.Enum(['areas', 'functions']),
    code: Type.String(),
    change: Type.Enum(['added', 'removed', 'relabelled'])
  }), { description: 'Changes to the code lists attributes use.' }),
  required_bump: Type.Enum(['major', 'minor', 'patch', 'none'], { description: 'The smallest version step these changes allow.' }),
  changes: Type.Array(Type.Object({
    bump: Type.String({ description: 'The step this one change needs.' }),
    subject: Type.String({ description: 'The attribute id, `areas/<code>`, `functions/<code>` or the document field.' }),
    pointer: Type.String({ description: 'JSON Pointer into the newer document.' }),
    message: Type.String()
  }), { description: 'Every change with the step it needs, so a message can say exactly what forces a bump.' })
}, { additionalProperties: true })

export { CatalogDocumentSchema }
