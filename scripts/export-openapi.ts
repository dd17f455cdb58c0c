/**
 * Writes openapi.yaml from the route schemas (`npm run openapi`), and the identity-provider
 * document's JSON Schema from its route schema. Uses the embedded store in
 * memory, so it needs no running service; the document does not depend on the store.
 */
import { writeFileSync } from 'node:fs'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/load-config.js'
import { identityProviderJsonSchema } from '../src/identity-providers/document-schema.js'

const app = await buildApp(loadConfig({ BEHORIG_EMBEDDED_STORE: 'memory://', BEHORIG_ADMIN_TOKEN: 'x'.repeat(32), BEHORIG_DEMO: 'false', LOG_LEVEL: 'silent' }))
await app.ready()
writeFileSync(new URL('../openapi.yaml', import.meta.url), app.swagger({ yaml: true }))
await app.close()
writeFileSync(new URL('../schemas/identity-provider.schema.json', import.meta.url), JSON.stringify(identityProviderJsonSchema(), null, 2) + '\n')
process.stdout.write('openapi.yaml and schemas/identity-provider.schema.json written\n')
