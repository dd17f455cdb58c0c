import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemSchema } from '../http/problem-schema.js'
import type { CatalogIndex } from './catalog-index.js'
import { diffCatalogs } from './catalog-diff.js'
import { AttributeResponse, CatalogDocumentSchema, CatalogSummary, DiffQuery, DiffResponse, DomainParams, VersionParams, AttributeParams } from './schemas.js'
import { sendCatalogResource } from './representation.js'
import { UnknownCatalogAttribute } from './errors.js'

const TAGS = ['catalog']
const errors = { '4xx': ProblemSchema }
const yamlNote = 'JSON by default, YAML with `Accept: application/yaml`. Strong ETags; `If-None-Match` answers 304.'

/** The public catalog: no authentication, cacheable, CORS-friendly. */
export const catalogRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogIndex }> = async (app, { catalog }) => {
  app.get('/v1/catalog', {
    config: { auth: false },
    schema: { tags: TAGS, summary: 'Catalog domains, their versions and the latest of each', description: yamlNote, response: { 200: CatalogSummary, ...errors } }
  }, async function listCatalog (request, reply) {
    const domains = catalog.domains()
    const hash = domains.map((d) => `${d.domain}@${d.versions.join(',')}`).join(';')
    return sendCatalogResource(request, reply, { domains }, hash, false)
  })

  app.get('/v1/catalog/:domain/diff', {
    config: { auth: false },
    schema: { tags: TAGS, summary: 'What changed between two versions of a domain', description: yamlNote, params: DomainParams, querystring: DiffQuery, response: { 200: DiffResponse, ...errors } }
  }, async function diffVersions (request, reply) {
    const from = catalog.entry(request.params.domain, request.query.from)
    const to = catalog.entry(request.params.domain, request.query.to)
    const fixed = request.query.from !== 'latest' && request.query.to !== 'latest'
    return sendCatalogResource(request, reply, diffCatalogs(from.document, to.document), `${from.hash}..${to.hash}`, fixed)
  })

  app.get('/v1/catalog/:domain/:version', {
    config: { auth: false },
    schema: { tags: TAGS, summary: 'One catalog version (`latest` accepted)', description: yamlNote, params: VersionParams, response: { 200: CatalogDocumentSchema, ...errors } }
  }, async function getVersion (request, reply) {
    const entry = catalog.entry(request.params.domain, request.params.version)
    return sendCatalogResource(request, reply, entry.document, entry.hash, request.params.version !== 'latest')
  })

  app.get('/v1/catalog/:domain/:version/attributes/:id', {
    config: { auth: false },
    schema: { tags: TAGS, summary: 'One attribute of a catalog version', description: yamlNote, params: AttributeParams, response: { 200: AttributeResponse, ...errors } }
  }, async function getAttribute (request, reply) {
    const { domain, version, id } = request.params
    const entry = catalog.entry(domain, version)
    if (!id.startsWith(`${domain}.`)) throw UnknownCatalogAttribute({ detail: `${id} is not an attribute of the ${domain} catalog.`, extensions: { attribute: id } })
    const found = catalog.attribute(id, entry.document.version)
    return sendCatalogResource(request, reply, found, `${entry.hash}#${id}`, version !== 'latest')
  })
}
