import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { OrgParams } from '../organisations/schemas.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { documented } from '../http/openapi-response.js'
import type { ApiTag } from '../http/openapi-tags.js'
import { mappingCreatedExample, mappingDocumentExample, mappingSummaryExample, mappingViewExample, mappingYamlExample, previewExample, publishedMappingExample } from './mapping-examples.js'
import { cursorKey, decodeCursor, page } from '../http/cursor.js'
import { describePrincipal } from '../auth/principal.js'
import { actorOf } from '../audit/audit-event.js'
import type { MappingService } from './service.js'
import type { MappingVersion } from './mapping-version-repository.js'
import { MappingCreated, MappingList, MappingListQuery, MappingParams, MappingPreviewSchema, MappingView, PreviewQuery, PublishedMapping } from './schemas.js'

const TAGS: ApiTag[] = ['Mappings']
const read = { scope: 'mappings:read', orgParam: 'org' } as const
const write = { scope: 'mappings:write', orgParam: 'org' } as const
const errors = { '4xx': ProblemSchema }
const MAPPING_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'application/json']

export const mappingRoutes: FastifyPluginAsyncTypebox<{ mappings: MappingService }> = async (app, { mappings }) => {
  await app.register(async function mappingUploads (instance) {
    const uploads = instance.withTypeProvider<TypeBoxTypeProvider>()
    // The parser needs the text itself (YAML, or JSON with line numbers and duplicate-key checks).
    uploads.removeAllContentTypeParsers()
    uploads.addContentTypeParser(MAPPING_TYPES, { parseAs: 'string' }, function asText (_req, body, done) { done(null, body) })
    uploads.post('/v1/organisations/:org/mappings', {
      config: { auth: write },
      schema: {
        tags: TAGS,
        operationId: 'submitMapping',
        summary: 'Submit a mapping version (YAML or JSON) as a draft',
        description: 'Step 3 of the flow, after the first sync run. Format: schemas/mapping.schema.json and docs/mappings.md; YAML with `Content-Type: application/yaml`, JSON with `application/json`. Checked against the named catalog version and the organisation\'s synced units and groups. Unacceptable documents get 422 `invalid-mapping` with JSON Pointers; what would not stop the mapping comes back as `warnings`. Next, preview it.',
        params: OrgParams,
        documentedBody: {
          'application/yaml': { type: 'string', examples: [mappingYamlExample] },
          'application/json': { type: 'object', description: 'As schemas/mapping.schema.json.', examples: [mappingDocumentExample] }
        },
        response: { 201: documented('The draft; `Location` names it.', MappingCreated, [mappingCreatedExample]), ...errors }
      }
    }, async function submitMapping (request, reply) {
      const { org } = request.params
      const created = await mappings.submit(org, request.body as string, request.headers['content-type'], describePrincipal(request.principal!))
      return reply.code(201).header('location', `/v1/organisations/${org}/mappings/${created.version}`)
        .send({ version: created.version, status: 'draft', warnings: created.warnings, domain: created.domain, catalog_version: created.catalog_version })
    })
  })

  app.get('/v1/organisations/:org/mappings', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'listMappings', summary: 'List mapping versions, newest first', description: 'Drafts, the active version of each domain and superseded ones; filter with `status`.', params: OrgParams, querystring: MappingListQuery, response: { 200: documented('A page of mapping versions.', MappingList, [{ items: [mappingSummaryExample], next_cursor: null }]), ...errors } }
  }, async function listMappings (request) {
    const { limit, cursor, status } = request.query
    const before = decodeCursor(cursor, cursorKey.int4)
    const rows = await mappings.list(request.params.org, { limit: limit + 1, ...(before !== undefined ? { before } : {}), ...(status ? { status } : {}) })
    const result = page(rows, limit, (v) => v.version)
    return { items: result.items.map(summary), next_cursor: result.next_cursor }
  })

  app.get('/v1/organisations/:org/mappings/:version', {
    config: { auth: read },
    schema: { tags: TAGS, operationId: 'getMapping', summary: 'Read a mapping version with its document and the text as submitted', description: 'The text comes back as submitted, comments included.', params: MappingParams, response: { 200: documented('The mapping version.', MappingView, [mappingViewExample]), ...errors } }
  }, async function getMapping (request) {
    const version = await mappings.get(request.params.org, request.params.version)
    return { ...summary(version), document: version.document, source: { format: version.source_format, text: version.source_text } }
  })

  app.post('/v1/organisations/:org/mappings/:version/preview', {
    config: { auth: read },
    schema: {
      tags: TAGS,
      operationId: 'previewMapping',
      summary: 'Who would gain and lose which attributes if this version were published today',
      description: 'Evaluates the version and the domain\'s active version on today\'s data; changes nothing. Any version may be previewed (a superseded one shows what going back would do). Look up listed person ids with `GET …/people/{id}`; when the changes are the intended ones, publish.',
      params: MappingParams,
      querystring: PreviewQuery,
      response: { 200: documented('What publishing would change.', MappingPreviewSchema, [previewExample]), ...errors }
    }
  }, async function previewMapping (request) {
    return mappings.preview(request.params.org, request.params.version, request.query.limit)
  })

  app.post('/v1/organisations/:org/mappings/:version/publish', {
    config: { auth: write },
    schema: {
      tags: TAGS,
      operationId: 'publishMapping',
      summary: 'Publish a draft: it becomes active and every person\'s attributes are recomputed, in one transaction',
      description: 'The domain\'s previously active version becomes superseded. Published versions are immutable (409 `mapping-not-draft`). Attribute tokens issued from now on carry the new attributes; next, the platform admin registers the agencies that will ask for them.',
      params: MappingParams,
      response: { 200: documented('The published version, with what the recompute did.', PublishedMapping, [publishedMappingExample]), ...errors }
    }
  }, async function publishMapping (request) {
    const { version, published } = await mappings.publish(request.params.org, request.params.version, describePrincipal(request.principal!), actorOf(request.principal))
    return { ...summary(version), document: version.document, source: { format: version.source_format, text: version.source_text }, recompute: published.recompute }
  })
}

function summary (v: MappingVersion) {
  return {
    version: v.version,
    domain: v.domain,
    catalog_version: v.catalog_version,
    status: v.status,
    description: v.document.description ?? null,
    rules: v.document.rules.length,
    warnings: v.warnings,
    created_by: v.created_by,
    created_at: v.created_at,
    published_by: v.published_by,
    published_at: v.published_at,
    superseded_at: v.superseded_at
  }
}
