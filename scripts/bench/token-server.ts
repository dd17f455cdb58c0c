/**
 * The server for scripts/bench/tokens.ts's baseline run: behorig exactly as src/server.ts
 * starts it, but issuing attribute tokens without their audit events, so the benchmark can
 * print what auditing costs. Not an entry point for anything else: production has no way
 * to turn issuance auditing off.
 */
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/load-config.js'

const config = loadConfig()
const app = await buildApp(config, { issuanceAudit: false })
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
await app.listen({ port: config.port, host: config.host })
