import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto'
import type { Services } from '../services.js'
import { organisationRepository } from '../organisations/repository.js'
import { readHrSnapshot } from '../sources/hr-snapshot-reader.js'
import { packageRoot } from '../store/package-root.js'
import type { Logger } from '../log/logger.js'
import type { ApprovalService } from '../relying-party-approvals/service.js'

/** The fictional municipality (Luhn-valid; no real organisation has this number). */
export const DEMO_ORGANISATION = { number: '2129999997', name: 'Exempelkommun', kind: 'municipality' as const }
export const DEMO_CLIENT_ID = 'demo-agency'
/** Anna Svensson, socialsekreterare at Ekonomiskt bistånd norr in examples/hr/exempelkommun.json. */
export const DEMO_SUBJECT = { type: 'employee-number' as const, value: '100234', organisation: DEMO_ORGANISATION.number }
const HR_SOURCE = 'hr'
const RUN_WAIT_MS = 60_000

/** What `npm run demo:token` reads from BEHORIG_DATA_DIR/demo/demo.json. */
export interface DemoFile {
  issuer: string
  client_id: string
  kid: string
  private_key_file: string
  subject: typeof DEMO_SUBJECT
}

export const demoDir = (dataDir: string): string => join(dataDir, 'demo')
const keyFile = (dataDir: string): string => join(demoDir(dataDir), `${DEMO_CLIENT_ID}.private.jwk.json`)

/**
 * Seeds the quickstart demo, idempotently: each step looks whether it is done already
 * (organisation, its hr source, a successful import, an active mapping, the relying party
 * with the key on disk, the organisation's approval of it), so a restart changes nothing.
 */
export async function seedDemo (services: Services, approvals: Pick<ApprovalService, 'exists' | 'put'>, options: { dataDir: string, issuer: string }, log: Pick<Logger, 'info'>): Promise<DemoFile> {
  const org = DEMO_ORGANISATION.number
  await organisationRepository(services.store.db).upsert(org, { name: DEMO_ORGANISATION.name, kind: DEMO_ORGANISATION.kind })
  if (!(await services.sources.list(org)).some((s) => s.id === HR_SOURCE)) {
    await services.sources.create(org, { id: HR_SOURCE, kind: 'hr', safety: { max_end_percent: 10 } })
  }
  if (!(await services.engine.lastSucceeded(org))[HR_SOURCE]) await importSnapshot(services, org)
  if ((await services.mappings.list(org, { limit: 1, status: 'active' })).length === 0) {
    const text = readFileSync(join(packageRoot(), 'examples', 'mappings', 'exempelkommun.yaml'), 'utf8')
    const draft = await services.mappings.submit(org, text, 'application/yaml', 'demo')
    await services.mappings.publish(org, draft.version, 'demo')
  }
  const kid = await ensureRelyingParty(services, options.dataDir)
  // Approved once: a steward who withdraws it (docs/trust.md does) is not overruled by a restart.
  if (!await approvals.exists(org, DEMO_CLIENT_ID)) {
    await approvals.put(org, DEMO_CLIENT_ID, { attributes: 'all-released', purposes: [], agreement: 'Demo: Exempelkommun approves the demo agency for the quickstart' }, { kind: 'system', component: 'demo-seed' })
  }
  const file: DemoFile = { issuer: options.issuer, client_id: DEMO_CLIENT_ID, kid, private_key_file: keyFile(options.dataDir), subject: DEMO_SUBJECT }
  writeFileSync(join(demoDir(options.dataDir), 'demo.json'), JSON.stringify(file, null, 2) + '\n')
  log.info({ organisation: org, client_id: DEMO_CLIENT_ID, dir: demoDir(options.dataDir) }, 'demo ready: run `npm run demo:token`')
  return file
}

async function importSnapshot (services: Services, org: string): Promise<void> {
  const path = join(packageRoot(), 'examples', 'hr', 'exempelkommun.json')
  const started = await services.engine.importSnapshot(org, HR_SOURCE, readHrSnapshot(createReadStream(path), 'application/json'))
  const deadline = Date.now() + RUN_WAIT_MS
  for (;;) {
    const run = await services.engine.findRun(org, started.id)
    if (run?.state === 'succeeded') return
    if (!run || !['queued', 'running'].includes(run.state) || Date.now() > deadline) {
      throw new Error(`the demo HR import did not succeed (run ${started.id}: ${run?.state ?? 'missing'})`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The demo client's key pair: kept while the key file and the registration agree, made anew otherwise. */
async function ensureRelyingParty (services: Services, dataDir: string): Promise<string> {
  const parties = services.tokenServices.relyingParties
  const existing = await parties.findEnabled(DEMO_CLIENT_ID)
  if (existsSync(keyFile(dataDir)) && existing) {
    const jwk = JSON.parse(readFileSync(keyFile(dataDir), 'utf8')) as { kid: string }
    if (existing.document.jwks?.keys.some((k) => k.kid === jwk.kid)) return jwk.kid
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const privateJwk = privateKey.export({ format: 'jwk' }) as JsonWebKey
  const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' }) as JsonWebKey
  const kid = `demo-${Date.now().toString(36)}`
  await parties.put(DEMO_CLIENT_ID, {
    name: 'Demomyndigheten – exempeltjänst',
    organisation: '2029999998',
    jwks: { keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] },
    release: { domains: ['socialtjanst'], organisations: [DEMO_ORGANISATION.number], subject: 'pairwise' },
    token_lifetime: 300,
    // The national names beside the v1 claims, so the demo token shows what an agency reads.
    claims_profile: 'sweden'
  })
  mkdirSync(demoDir(dataDir), { recursive: true })
  writeFileSync(keyFile(dataDir), JSON.stringify({ ...privateJwk, kid, alg: 'ES256' }, null, 2) + '\n', { mode: 0o600 })
  return kid
}
