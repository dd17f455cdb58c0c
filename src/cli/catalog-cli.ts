import { runCatalogCli } from '../catalog/catalog-commands.js'

// `npm run catalog -- <command>`: everything but the process wiring lives in catalog-commands.ts.
process.exitCode = await runCatalogCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
