import type { FastifyInstance, FastifySchema } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../store/package-root.js'
import type { RouteAuth } from '../auth/principal.js'
import { API_TAGS } from '../http/openapi-tags.js'
import { ProblemSchema } from '../http/problem-schema.js'
import { OPENAPI_DESCRIPTION } from './openapi-description.js'

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version

declare module 'fastify' {
  interface FastifySchema {
    /**
     * For openapi.yaml only: a body the route reads itself (streamed or parsed as text), so
     * Fastify must not validate it. Media type → its schema, with `examples`.
     */
    documentedBody?: Record<string, Record<string, unknown>>
  }
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' }
const PROBLEM_DESCRIPTIONS: Record<string, string> = {
  '4xx': 'A problem (RFC 9457): 400 malformed input, 401 missing or unknown credentials, 403 a scope the key lacks or another organisation, 404 not found, 409 a conflict with the stored state, 413 too large, 415 unsupported media type, 422 a document that fails validation (JSON Pointers in `errors`), 429 too many requests. Each `type` is documented in docs/problems.md.',
  429: 'Too many requests from this address: a problem; retry after `Retry-After` seconds.',
  503: 'Not ready: a problem naming the failing checks; retry after `Retry-After` seconds.'
}

/** What a route's `config.auth` demands, in words, for its description. */
export function describeAuth (auth: RouteAuth | undefined): string {
  if (auth === false) return 'No authentication.'
  if (auth === undefined || 'platform' in auth) return 'Needs the platform admin token.'
  if ('relyingParty' in auth) return 'Needs a relying party\'s access token from `POST /oauth/token`.'
  if ('metrics' in auth) return 'Needs the metrics token (`BEHORIG_METRICS_TOKEN`) or the platform admin token.'
  const whose = auth.orgParam !== undefined ? 'of this organisation' : 'of an organisation'
  return `Needs an API key ${whose} with the scope \`${auth.scope}\`, or the platform admin token.`
}

/**
 * Route schemas become OpenAPI 3.1. The transform adds what follows from the route rather
 * than its schema: security and the auth sentence from `config.auth`, problem responses as
 * references, and documented bodies of routes that read their body themselves.
 */
export async function registerOpenApi (app: FastifyInstance, options: { issuer: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'behorig', version, description: OPENAPI_DESCRIPTION },
      servers: [{ url: options.issuer, description: 'This service (BEHORIG_ISSUER).' }],
      tags: API_TAGS.map((t) => ({ ...t })),
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'The platform admin token, or an organisation API key (`bhk_…`); on relying-party routes, an access token from /oauth/token; on GET /metrics, the metrics token (BEHORIG_METRICS_TOKEN).' }
        },
        schemas: { Problem: ProblemSchema as never }
      }
    },
    // Routes are mounted at the root of the issuer, whatever path it has.
    stripBasePath: false,
    transform: function documentRoute ({ schema, url, route }) {
      const auth = (route.config as { auth?: RouteAuth } | undefined)?.auth
      const { documentedBody, ...rest } = schema
      const transformed: Record<string, unknown> = { ...rest }
      transformed['description'] = [schema.description, describeAuth(auth)].filter(Boolean).join('\n\n')
      transformed['security'] = auth === false ? [] : [{ bearer: [] }]
      if (auth && 'scope' in auth) transformed['x-required-scope'] = auth.scope
      if (schema.response) transformed['response'] = documentResponses(schema.response as Record<string, unknown>)
      if (documentedBody) transformed['body'] = { content: Object.fromEntries(Object.entries(documentedBody).map(([type, s]) => [type, { schema: s }])) }
      return { schema: transformed as FastifySchema, url }
    },
    transformObject: function orderByFlow (documentObject) {
      if (!('openapiObject' in documentObject)) return documentObject.swaggerObject
      const { openapiObject } = documentObject
      // A fresh object on every generation, so ordering it in place is safe.
      if (openapiObject.paths) openapiObject.paths = pathsInTagOrder(openapiObject.paths)
      // Shared objects (tags, examples) would become YAML anchors and aliases in openapi.yaml,
      // which readers and some generators stumble over; a copy shares nothing.
      return JSON.parse(JSON.stringify(openapiObject)) as typeof openapiObject
    }
  })

  await app.register(async function publicDocs (instance) {
    instance.addHook('onRoute', (route) => { route.config = { ...route.config, auth: false } })
    // Its own Content-Security-Policy (scripts and styles from itself), replacing the API's
    // default-src 'none' on these routes only.
    await instance.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true, docExpansion: 'list' } })
    instance.get('/openapi.json', { schema: { hide: true } }, async function openApiDocument () {
      return app.swagger()
    })
  })
}

function documentResponses (responses: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(responses).map(([status, schema]) => [status, schema === ProblemSchema
    ? { description: PROBLEM_DESCRIPTIONS[status] ?? 'A problem (RFC 9457).', content: { 'application/problem+json': { schema: PROBLEM_REF } } }
    : schema]))
}

/** Paths grouped by the position of their first operation's tag in API_TAGS; stable within a tag. */
function pathsInTagOrder<T extends Record<string, unknown>> (paths: T): T {
  const rank = (item: unknown): number => {
    const first = Object.values(item as Record<string, { tags?: string[] }>).find((op) => op?.tags)?.tags?.[0]
    const index = API_TAGS.findIndex((t) => t.name === first)
    return index === -1 ? API_TAGS.length : index
  }
  return Object.fromEntries(Object.entries(paths).map((entry, i) => ({ entry, i, r: rank(entry[1]) }))
    .sort((a, b) => a.r - b.r || a.i - b.i).map(({ entry }) => entry)) as T
}
