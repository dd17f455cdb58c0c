import t from 'tap'
import { sql } from 'kysely'
import { appendAudit } from '../../src/audit/audit-log.js'
import { eventHash } from '../../src/audit/audit-hash.js'
import type { AuditEventInput } from '../../src/audit/audit-event.js'
import { withTenant } from '../../src/store/tenant-scope.js'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { problemType } from '../helpers/problem-type.js'

// Tampering is done as the database owner with raw SQL, as an operator (or an intruder
// with the owner's credentials) would; the tenant role cannot change rows at all.
const store = await openTestStore()
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)
const db = store.db

interface Verification { ok: boolean, events: number, head: { seq: number, hash: string }, first_broken?: { seq: number, reason: string } }

async function verify (organisation?: string): Promise<Verification> {
  const res = await app.inject({ method: 'GET', url: `/v1/audit/verify${organisation ? `?organisation=${organisation}` : ''}`, headers: adminHeaders })
  if (res.statusCode !== 200) throw new Error(`verify answered ${res.statusCode} ${res.body}`)
  return res.json()
}

function sourceEvent (organisation: string | null, n: number): AuditEventInput {
  return { organisation, action: 'source.updated', actor: { kind: 'api-key', key_id: `k${n}`, organisation: organisation ?? '-' }, details: { source: 'hr', n } }
}

/** An organisation whose chain holds at least `count` events of ours; returns their sequence numbers. */
async function chainWithEvents (count = 6): Promise<{ org: string, seqs: number[] }> {
  const org = await createOrganisation()
  await withTenant(db, org, (trx) => appendAudit(trx, Array.from({ length: count }, (_, i) => sourceEvent(org, i))))
  const rows = await db.selectFrom('audit_events').select('seq').where('chain', '=', org).where('action', '=', 'source.updated').orderBy('seq').execute()
  const before = await verify(org)
  if (!before.ok) throw new Error('the chain was broken before tampering')
  return { org, seqs: rows.map((r) => r.seq) }
}

function middle (seqs: number[]): number {
  return seqs[Math.floor(seqs.length / 2)] as number
}

t.test('an untouched chain verifies, with its head', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const result = await verify(org)
  const head = await db.selectFrom('audit_chains').selectAll().where('chain', '=', org).executeTakeFirstOrThrow()
  t.match(result, { organisation: org, chain: org, ok: true, head: { seq: seqs.at(-1), hash: head.head } })
  t.equal(result.events, head.seq)
  t.notOk('first_broken' in result)
})

t.test('a changed details value breaks at that event', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const k = middle(seqs)
  await sql`update audit_events set details = jsonb_set(details, '{source}', '"ldap"') where chain = ${org} and seq = ${k}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: k, reason: 'hash-mismatch' } })
})

t.test('a changed actor breaks at that event', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const k = middle(seqs)
  await sql`update audit_events set actor = '{"kind":"platform-admin"}' where chain = ${org} and seq = ${k}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: k, reason: 'hash-mismatch' } })
})

t.test('a changed time breaks at that event, even by a millisecond', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const k = middle(seqs)
  await sql`update audit_events set at = at - interval '1 millisecond' where chain = ${org} and seq = ${k}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: k, reason: 'hash-mismatch' } })
})

t.test('a deleted middle event is a gap at its sequence number', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const k = middle(seqs)
  await sql`delete from audit_events where chain = ${org} and seq = ${k}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: k, reason: 'missing-event' } })
})

t.test('a deleted last event is caught by the chain head', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const n = seqs.at(-1) as number
  await sql`delete from audit_events where chain = ${org} and seq = ${n}`.execute(db)
  t.match(await verify(org), { ok: false, head: { seq: n - 1 }, first_broken: { seq: n, reason: 'truncated' } })
})

t.test('a deleted last event with the head rewound too is caught by the signed checkpoint', async (t) => {
  const { org, seqs } = await chainWithEvents()
  t.ok(await app.behorig.auditCheckpoint(), 'a checkpoint was signed')
  const n = seqs.at(-1) as number
  const previous = await db.selectFrom('audit_events').select('hash').where('chain', '=', org).where('seq', '=', n - 1).executeTakeFirstOrThrow()
  await sql`delete from audit_events where chain = ${org} and seq = ${n}`.execute(db)
  await sql`update audit_chains set seq = ${n - 1}, head = ${previous.hash} where chain = ${org}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: n, reason: 'checkpoint-mismatch' } })
})

t.test('two events swapped in order break the link at the first of them', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const k = middle(seqs)
  await sql`update audit_events set seq = 1000000 where chain = ${org} and seq = ${k}`.execute(db)
  await sql`update audit_events set seq = ${k} where chain = ${org} and seq = ${k + 1}`.execute(db)
  await sql`update audit_events set seq = ${k + 1} where chain = ${org} and seq = 1000000`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: k, reason: 'broken-link' } })
})

t.test('a renumbered event leaves a gap', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const n = seqs.at(-1) as number
  await sql`update audit_events set seq = ${n + 1} where chain = ${org} and seq = ${n}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: n, reason: 'missing-event' } })
})

t.test('a forged event with its hash recomputed breaks the next link', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const k = middle(seqs)
  const row = await db.selectFrom('audit_events').selectAll().where('chain', '=', org).where('seq', '=', k).executeTakeFirstOrThrow()
  const details = { ...(row.details as Record<string, unknown>), source: 'forged' }
  const hash = eventHash({ ...row, details, at: row.at.toISOString() })
  await sql`update audit_events set details = ${JSON.stringify(details)}::jsonb, hash = ${hash} where chain = ${org} and seq = ${k}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: k + 1, reason: 'broken-link' } })
})

t.test('a whole tail rewritten with consistent hashes is caught by the signed checkpoint', async (t) => {
  const { org, seqs } = await chainWithEvents()
  const checkpoint = await app.behorig.auditCheckpoint()
  const signedSeq = checkpoint?.chains.find((c) => c.chain === org)?.seq
  t.equal(signedSeq, seqs.at(-1))
  const k = middle(seqs)
  const rows = await db.selectFrom('audit_events').selectAll().where('chain', '=', org).where('seq', '>=', k).orderBy('seq').execute()
  const before = await db.selectFrom('audit_events').select('hash').where('chain', '=', org).where('seq', '=', k - 1).executeTakeFirstOrThrow()
  let prev = before.hash
  for (const row of rows) {
    const details = { ...(row.details as Record<string, unknown>), rewritten: true }
    const hash = eventHash({ ...row, details, prev_hash: prev, at: row.at.toISOString() })
    await sql`update audit_events set details = ${JSON.stringify(details)}::jsonb, prev_hash = ${prev}, hash = ${hash} where chain = ${org} and seq = ${row.seq}`.execute(db)
    prev = hash
  }
  await sql`update audit_chains set head = ${prev} where chain = ${org}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: signedSeq, reason: 'checkpoint-mismatch' } })
})

t.test('a checkpoint whose stored claims are edited without re-signing does not count', async (t) => {
  const { org } = await chainWithEvents()
  const checkpoint = await app.behorig.auditCheckpoint()
  t.ok(checkpoint)
  await sql`update audit_checkpoints set checkpoint = checkpoint || 'x' where id = ${checkpoint?.id}`.execute(db)
  // Every chain's latest checkpoint is this one now: later tests must not inherit it.
  t.teardown(async () => { await sql`delete from audit_checkpoints where id = ${checkpoint?.id}`.execute(db) })
  t.match(await verify(org), { ok: false, first_broken: { reason: 'checkpoint-signature-invalid' } })
})

t.test('the platform chain is verified the same way', async (t) => {
  await db.transaction().execute((trx) => appendAudit(trx, [sourceEvent(null, 1), sourceEvent(null, 2), sourceEvent(null, 3)]))
  const clean = await verify()
  t.match(clean, { organisation: null, chain: 'platform', ok: true })
  const k = clean.head.seq - 1
  await sql`update audit_events set details = '{}' where chain = 'platform' and seq = ${k}`.execute(db)
  t.match(await verify(), { organisation: null, ok: false, first_broken: { seq: k, reason: 'hash-mismatch' } })
})

t.test('an organisation key verifies its own chain, and no other', async (t) => {
  const { org } = await chainWithEvents(2)
  const other = await createOrganisation()
  const headers = await apiKeyHeaders(org, ['audit:read'])
  const own = await app.inject({ method: 'GET', url: `/v1/audit/verify?organisation=${org}`, headers })
  t.equal(own.statusCode, 200)
  t.equal(own.json().ok, true)
  for (const url of [`/v1/audit/verify?organisation=${other}`, '/v1/audit/verify']) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 403, url)
    t.equal(res.json().type, problemType('foreign-organisation'))
  }
  const noScope = await app.inject({ method: 'GET', url: `/v1/audit/verify?organisation=${org}`, headers: await apiKeyHeaders(org, ['people:read']) })
  t.equal(noScope.statusCode, 403)
  const bad = await app.inject({ method: 'GET', url: '/v1/audit/verify?organisation=12345', headers: adminHeaders })
  t.equal(bad.statusCode, 400)
})
