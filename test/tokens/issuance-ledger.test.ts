// The issuance ledger appends audit events optimistically onto the chain head it last
// wrote. These tests interleave what a real deployment interleaves — two processes issuing
// for one organisation, admin changes appended with the chain locked — and check that
// every token and event is written exactly once and the chain stays whole.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { appendAudit } from '../../src/audit/audit-log.js'
import { auditRepository } from '../../src/audit-trail/repository.js'
import { verifyChain } from '../../src/audit-trail/audit-verifier.js'
import type { AuditEventInput } from '../../src/audit/audit-event.js'
import { issuanceLedger } from '../../src/tokens/issuance-ledger.js'
import type { IssuedTokenRecord } from '../../src/tokens/attribute-token-repository.js'
import { buildTestApp, openTestStore } from '../helpers/app.js'

const store = await openTestStore()
const { createOrganisation } = await buildTestApp(store)
const db = store.db
const list = await db.insertInto('status_lists').values({ size: 1024, bits: Buffer.alloc(128), allocated: 1024 }).returning('id').executeTakeFirstOrThrow()
let nextIdx = 0

function issuance (organisation: string): { token: IssuedTokenRecord, audit: AuditEventInput } {
  const jti = randomUUID()
  const idx = nextIdx++
  return {
    token: { jti, organisation, client_id: 'fk', person_id: 'p-1', attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: null }], status_list_id: list.id, status_idx: idx, expires_at: new Date(Date.now() + 300_000) },
    audit: { organisation, action: 'attribute-token.issued', actor: { kind: 'relying-party', client_id: 'fk' }, person_id: 'p-1', client_id: 'fk', details: { jti, status_list: { id: list.id, idx } } }
  }
}

const adminEvent = (organisation: string): AuditEventInput => ({ organisation, action: 'organisation.updated', actor: { kind: 'platform-admin' }, details: { name: 'Renamed' } })

async function counts (organisation: string): Promise<{ tokens: number, events: number, jtis: Set<string> }> {
  const tokens = await db.selectFrom('attribute_tokens').select('jti').where('organisation', '=', organisation).execute()
  const events = await db.selectFrom('audit_events').select(sql<string>`details->>'jti'`.as('jti')).where('organisation', '=', organisation).where('action', '=', 'attribute-token.issued').execute()
  return { tokens: tokens.length, events: events.length, jtis: new Set(events.map((e) => e.jti)) }
}

t.test('two processes and admin changes writing one chain: every token and event once, the chain whole', async (t) => {
  const org = await createOrganisation()
  const one = issuanceLedger(db)
  const two = issuanceLedger(db)
  const issued: string[] = []
  const record = async (ledger: typeof one): Promise<void> => {
    const { token, audit } = issuance(org)
    await ledger.record(token, audit)
    issued.push(token.jti)
  }
  for (let round = 0; round < 6; round++) {
    // Concurrent batches from both "processes", and an admin change locking the chain meanwhile.
    await Promise.all([
      ...Array.from({ length: 20 }, () => record(one)),
      ...Array.from({ length: 20 }, () => record(two)),
      db.transaction().execute((trx) => appendAudit(trx, [adminEvent(org)]))
    ])
  }
  const after = await counts(org)
  t.equal(after.tokens, issued.length, 'every token recorded once')
  t.equal(after.events, issued.length, 'every token audited once')
  t.same(issued.filter((jti) => !after.jtis.has(jti)), [], 'the events are those of the tokens issued')
  const verified = await verifyChain(auditRepository(db), org)
  t.match(verified, { ok: true, events: 1 + issued.length + 6 }, 'the chain verifies: organisation.created, the tokens, the admin changes')
})

t.test('a head moved behind the ledger\'s back sends the batch the locking way, and the chain stays whole', async (t) => {
  const org = await createOrganisation()
  const ledger = issuanceLedger(db)
  await ledger.record(issuance(org).token, issuance(org).audit)
  // Another writer appends; this ledger's remembered head is now stale.
  await db.transaction().execute((trx) => appendAudit(trx, [adminEvent(org)]))
  const next = issuance(org)
  await ledger.record(next.token, next.audit)
  const again = issuance(org)
  await ledger.record(again.token, again.audit)
  const rows = await db.selectFrom('audit_events').select(['seq', 'action']).where('chain', '=', org).orderBy('seq').execute()
  t.same(rows.map((r) => [Number(r.seq), r.action]), [[1, 'organisation.created'], [2, 'attribute-token.issued'], [3, 'organisation.updated'], [4, 'attribute-token.issued'], [5, 'attribute-token.issued']])
  t.match(await verifyChain(auditRepository(db), org), { ok: true, events: 5 })
})

t.test('without audit (the benchmark baseline) tokens are recorded and no event written', async (t) => {
  const org = await createOrganisation()
  const ledger = issuanceLedger(db, { audit: false })
  const { token, audit } = issuance(org)
  t.same(await ledger.record(token, audit), { stillHeld: false }, 'p-1 holds nothing in this organisation')
  t.same(await counts(org), { tokens: 1, events: 0, jtis: new Set() })
})

t.test('a batch that cannot be written fails every token in it and leaves nothing of it behind', async (t) => {
  const org = await createOrganisation()
  const ledger = issuanceLedger(db)
  const first = issuance(org)
  const clashes = [issuance(org), issuance(org)]
  for (const c of clashes) c.token.jti = first.token.jti // a jti already recorded: the batch's insert fails
  // The first is written at once; the two asked for meanwhile share the next batch.
  const results = await Promise.allSettled([first, ...clashes].map((i) => ledger.record(i.token, i.audit)))
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected'])
  const after = await counts(org)
  t.same(after, { tokens: 1, events: 1, jtis: new Set([first.token.jti]) }, 'only the first token and its event')
  const later = issuance(org)
  await ledger.record(later.token, later.audit)
  t.match(await verifyChain(auditRepository(db), org), { ok: true, events: 3 }, 'and the ledger goes on, the chain whole (organisation.created and two tokens)')
})
