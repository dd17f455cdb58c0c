import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import type { CatalogIndex } from './catalog-index.js'
import { diffCatalogs } from './catalog-diff.js'
import { AttributeResponse, CatalogDocumentSchema, CatalogSummary, DiffQuery, DiffResponse, DomainParams, VersionParams, AttributeParams } from './schemas.js'
import { sendCatalogResource } from './representation.js'
import { UnknownCatalogAttribute } from './errors.js'
import { catalogVersionExample, handlaggareExample } from './catalog-examples.js'

const TAGS: ApiTag[] = ['Catalog']
const errors = { '4xx': ProblemSchema }
const yamlNote = 'JSON by default, YAML with `Accept: application/yaml`. Strong ETags; `If-None-Match` answers 304.'

/** The public catalog: no authentication, cacheable, CORS-friendly. */
export const catalogRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogIndex }> = async (app, { catalog }) => {
  app.get('/v1/catalog', {
    config: { auth: false },
    schema: {
      tags: TAGS,
      operationId: 'listCatalogDomains',
      summary: 'Catalog domains, their versions and the latest of each',
      description: `Where a steward writing a mapping, or an agency choosing what to ask for, starts: which domains exist and which version is current. Then read a version. ${yamlNote}`,
      response: { 200: documented('The domains and their versions.', CatalogSummary, [{ domains: [{ domain: 'skola', versions: ['0.1.0'], latest: '0.1.0', attributes: 12 }, { domain: 'socialtjanst', versions: ['1.0.0'], latest: '1.0.0', attributes: 31 }] }]), ...errors }
    }
  }, async function listCatalog (request, reply) {
    const domains = catalog.domains()
    const hash = domains.map((d) => `${d.domain}@${d.versions.join(',')}`).join(';')
    return sendCatalogResource(request, reply, { domains }, hash, false)
  })

  app.get('/v1/catalog/:domain/diff', {
    config: { auth: false },
    schema: {
      tags: TAGS,
      operationId: 'diffCatalogVersions',
      summary: 'What changed between two versions of a domain',
      description: `Before moving a mapping or a release policy to a newer catalog version: which attributes were added, deprecated, removed or changed. ${yamlNote}`,
      params: DomainParams,
      querystring: DiffQuery,
      response: { 200: documented('The changes from `from` to `to`.', DiffResponse, [{ domain: 'socialtjanst', from: '1.0.0', to: '1.1.0', added: ['socialtjanst.eb.budgetradgivare'], deprecated: [], removed: [], changed: [{ id: 'socialtjanst.eb.handlaggare', fields: ['definition'] }], references: [], codes: [], required_bump: 'minor', changes: [{ bump: 'minor', subject: 'socialtjanst.eb.budgetradgivare', pointer: '/attributes/12', message: 'Attribute socialtjanst.eb.budgetradgivare was added.' }] }]), ...errors }
    }
  }, async function diffVersions (request, reply) {
    const from = catalog.entry(request.params.domain, request.query.from)
    const to = catalog.entry(request.params.domain, request.query.to)
    const fixed = request.query.from !== 'latest' && request.query.to !== 'latest'
    return sendCatalogResource(request, reply, diffCatalogs(from.document, to.document), `${from.hash}..${to.hash}`, fixed)
  })

  app.get('/v1/catalog/:domain/:version', {
    config: { auth: false },
    schema: {
      tags: TAGS,
      operationId: 'getCatalogVersion',
      summary: 'One catalog version (`latest` accepted)',
      description: `The attributes a mapping of this domain may grant, with their definitions, legal basis and typical consumers. A mapping names the version it was written against. ${yamlNote}`,
      params: VersionParams,
      response: { 200: documented('The catalog version (excerpt in the example).', CatalogDocumentSchema, [catalogVersionExample]), ...errors }
    }
  }, async function getVersion (request, reply) {
    const entry = catalog.entry(request.params.domain, request.params.version)
    return sendCatalogResource(request, reply, entry.document, entry.hash, request.params.version !== 'latest')
  })

  app.get('/v1/catalog/:domain/:version/attributes/:id', {
    config: { auth: false },
    schema: {
      tags: TAGS,
      operationId: 'getCatalogAttribute',
      summary: 'One attribute of a catalog version',
      description: `What an attribute id in a mapping rule or an attribute token means. ${yamlNote}`,
      params: AttributeParams,
      response: { 200: documented('The attribute, with its domain and version.', AttributeResponse, [{ domain: 'socialtjanst', version: '1.0.0', attribute: handlaggareExample }]), ...errors }
    }
  }, async function getAttribute (request, reply) {
    const { domain, version, id } = request.params
    const entry = catalog.entry(domain, version)
    if (!id.startsWith(`${domain}.`)) throw UnknownCatalogAttribute({ detail: `${id} is not an attribute of the ${domain} catalog.`, extensions: { attribute: id } })
    const found = catalog.attribute(id, entry.document.version)
    return sendCatalogResource(request, reply, found, `${entry.hash}#${id}`, version !== 'latest')
  })
}
