import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../store/package-root.js'
import type { RouteAuth } from '../auth/principal.js'

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version

/** Route schemas become OpenAPI 3.1; each operation's security follows its `config.auth`. */
export async function registerOpenApi (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'behorig',
        version,
        description: 'Authorization-attribute federation: syncs municipal HR and directory data, maps it to a shared attribute catalog, and issues signed attribute tokens to national agencies.'
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'The platform admin token, or an organisation API key (`bhk_…`); on relying-party routes, an access token from /oauth/token.' }
        }
      }
    },
    transform: function securityFromRouteConfig ({ schema, url, route }) {
      const auth = (route.config as { auth?: RouteAuth } | undefined)?.auth
      const transformed = { ...schema } as Record<string, unknown>
      transformed['security'] = auth === false ? [] : [{ bearer: [] }]
      if (auth && 'scope' in auth) transformed['x-required-scope'] = auth.scope
      return { schema: transformed as typeof schema, url }
    }
  })

  await app.register(async function publicDocs (instance) {
    instance.addHook('onRoute', (route) => { route.config = { ...route.config, auth: false } })
    // Its own Content-Security-Policy (scripts and styles from itself), replacing the API's
    // default-src 'none' on these routes only.
    await instance.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
    instance.get('/openapi.json', { schema: { hide: true } }, async function openApiDocument () {
      return app.swagger()
    })
  })
}
