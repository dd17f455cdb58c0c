import t from 'tap'
import { importJWK, jwtVerify, type JWK } from 'jose'
import { appendAudit } from '../../src/audit/audit-log.js'
import { AUDIT_CHECKPOINT_JOB } from '../../src/audit-trail/audit-checkpoint.js'
import { JOB_NAMES } from '../../src/job-handlers.js'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'
import { withTenant } from '../../src/store/tenant-scope.js'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'

const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store, { BEHORIG_AUDIT_CHECKPOINT_CRON: '*/5 * * * *', BEHORIG_ISSUER: 'https://behorig.exempel.se' })
const db = store.db
const jobsDone = (): Promise<void> => (app.behorig.queue as unknown as { idle (): Promise<void> }).idle()

interface CheckpointItem { id: number, created_at: string, checkpoint: string, chains: Array<{ chain: string, seq: number, hash: string }>, public_jwk: JWK }

async function runCheckpointJob (): Promise<void> {
  await app.behorig.queue.enqueue(AUDIT_CHECKPOINT_JOB, {})
  await jobsDone()
}

async function checkpoints (query = ''): Promise<{ items: CheckpointItem[], next_cursor: string | null }> {
  const res = await app.inject({ method: 'GET', url: `/v1/audit/checkpoints${query}` })
  t.equal(res.statusCode, 200, 'public, no credentials')
  return res.json()
}

async function appendTo (org: string, n: number): Promise<void> {
  await withTenant(db, org, (trx) => appendAudit(trx, Array.from({ length: n }, (_, i) => ({ organisation: org, action: 'source.created' as const, actor: { kind: 'platform-admin' as const }, details: { i } }))))
}

t.test('the checkpoint job is registered and scheduled on the configured cron', async (t) => {
  t.ok((JOB_NAMES as readonly string[]).includes(AUDIT_CHECKPOINT_JOB))
  await app.ready()
  const next = await app.behorig.queue.nextRun(AUDIT_CHECKPOINT_JOB)
  t.ok(next && next.getTime() - Date.now() <= 5 * 60_000, 'within five minutes')
  t.throws(() => loadConfig({ BEHORIG_AUDIT_CHECKPOINT_CRON: 'every hour' }), ConfigError)
  t.equal(loadConfig({}).audit.checkpointCron, '0 * * * *', 'hourly by default')
})

t.test('signs every chain\'s head, verifiable with the key served beside it', async (t) => {
  const org = await createOrganisation()
  await appendTo(org, 3)
  await runCheckpointJob()
  const [latest] = (await checkpoints()).items
  t.ok(latest)
  if (!latest) return
  const { payload, protectedHeader } = await jwtVerify(latest.checkpoint, await importJWK(latest.public_jwk, latest.public_jwk.alg), { issuer: 'https://behorig.exempel.se', typ: 'audit-checkpoint+jwt' })
  t.equal(protectedHeader.kid, latest.public_jwk.kid)
  t.same(payload['chains'], latest.chains, 'the listed chains are the signed ones')
  const heads = await db.selectFrom('audit_chains').select(['chain', 'seq', 'head']).where('seq', '>', 0).orderBy('chain').execute()
  t.same(latest.chains, heads.map((h) => ({ chain: h.chain, seq: h.seq, hash: h.head })), 'every non-empty chain, as it stands')
  t.ok(latest.chains.some((c) => c.chain === org))
  const verified = await app.inject({ method: 'GET', url: `/v1/audit/verify?organisation=${org}`, headers: adminHeaders })
  t.match(verified.json(), { ok: true, checkpoint: { id: latest.id } })
})

t.test('writes nothing when no chain moved, and a new checkpoint when one did', async (t) => {
  const org = await createOrganisation()
  await runCheckpointJob()
  const before = (await checkpoints()).items.length
  await runCheckpointJob()
  t.equal((await checkpoints()).items.length, before, 'nothing moved')
  await appendTo(org, 1)
  await runCheckpointJob()
  const after = await checkpoints()
  t.equal(after.items.length, before + 1)
  t.same(after.items.map((c) => c.id), [...after.items.map((c) => c.id)].sort((a, b) => b - a), 'newest first')
})

t.test('an old checkpoint keeps its verifying key after the signing key rotates', async (t) => {
  const org = await createOrganisation()
  await appendTo(org, 1)
  await runCheckpointJob()
  const [old] = (await checkpoints()).items
  await app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: adminHeaders })
  await appendTo(org, 1)
  await runCheckpointJob()
  const page1 = await checkpoints('?limit=1')
  const [fresh] = page1.items
  t.not(fresh?.public_jwk.kid, old?.public_jwk.kid, 'signed with the new key')
  const page2 = await checkpoints(`?limit=1&cursor=${page1.next_cursor}`)
  t.same(page2.items[0], old, 'the next page holds the older one, key included')
  if (!old) return
  await t.resolves(jwtVerify(old.checkpoint, await importJWK(old.public_jwk, old.public_jwk.alg)))
})
