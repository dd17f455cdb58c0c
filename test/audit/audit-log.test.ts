import t from 'tap'
import { sql } from 'kysely'
import { appendAudit } from '../../src/audit/audit-log.js'
import { verifyChain } from '../../src/audit-trail/audit-verifier.js'
import { auditRepository } from '../../src/audit-trail/repository.js'
import { eventHash, GENESIS_HASH } from '../../src/audit/audit-hash.js'
import { canonicalJson } from '../../src/crypto/canonical-json.js'
import type { AuditEventInput } from '../../src/audit/audit-event.js'
import { withTenant } from '../../src/store/tenant-scope.js'
import { openTestStore } from '../helpers/app.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'

const store = await openTestStore()

function event (organisation: string | null, n: number): AuditEventInput {
  return { organisation, action: 'source.updated', actor: { kind: 'system', component: 'test' }, details: { n, nested: { z: 1, a: [n, 'x'] } } }
}

async function chainRows (chain: string) {
  return store.db.selectFrom('audit_events').selectAll().where('chain', '=', chain).orderBy('seq').execute()
}

t.test('the hash is SHA-256 over RFC 8785 canonical JSON, as docs/audit.md states', async (t) => {
  t.equal(canonicalJson({ b: [3, { y: null, x: 'å"' }], a: 1.5, c: true }), '{"a":1.5,"b":[3,{"x":"å\\"","y":null}],"c":true}')
  // The worked example in docs/audit.md.
  t.equal(eventHash({
    chain: '2120000142',
    seq: 1,
    at: '2026-11-29T07:00:00.000Z',
    organisation: '2120000142',
    action: 'source.created',
    actor: { kind: 'api-key', key_id: 'k_3f9a', organisation: '2120000142' },
    person_id: null,
    client_id: null,
    details: { source: 'hr', kind: 'hr' },
    prev_hash: GENESIS_HASH
  }), '82ff8f5ed74956f7e21bf8c87a54baebb609e0e17ebb9a472cb422a5cb85d1e8')
})

t.test('appends link each event to the one before, across calls and chains', async (t) => {
  const org = randomOrganisationNumber()
  await store.db.transaction().execute(async (trx) => {
    await appendAudit(trx, [event(org, 1), event(null, 1), event(org, 2)])
    await appendAudit(trx, [event(org, 3)])
  })
  await withTenant(store.db, org, (trx) => appendAudit(trx, [event(org, 4), event(org, 5)]))
  const rows = await chainRows(org)
  t.same(rows.map((r) => r.seq), [1, 2, 3, 4, 5])
  t.same(rows.map((r) => (r.details as { n: number }).n), [1, 2, 3, 4, 5])
  let prev = GENESIS_HASH
  for (const r of rows) {
    t.equal(r.prev_hash, prev)
    const recomputed = eventHash({ ...r, at: r.at.toISOString() })
    t.equal(r.hash, recomputed, `event ${r.seq} hashes to what is stored`)
    prev = r.hash
  }
  const head = await store.db.selectFrom('audit_chains').selectAll().where('chain', '=', org).executeTakeFirstOrThrow()
  t.same({ seq: head.seq, head: head.head, organisation: head.organisation }, { seq: 5, head: prev, organisation: org })
})

t.test('a tenant transaction cannot append to the platform chain or another organisation', async (t) => {
  const org = randomOrganisationNumber()
  const other = randomOrganisationNumber()
  await t.rejects(withTenant(store.db, org, (trx) => appendAudit(trx, [event(null, 1)])))
  await t.rejects(withTenant(store.db, org, (trx) => appendAudit(trx, [event(other, 1)])))
})

t.test('the tenant role can neither change nor delete an audit event', async (t) => {
  const org = randomOrganisationNumber()
  await withTenant(store.db, org, (trx) => appendAudit(trx, [event(org, 1), event(org, 2)]))
  await t.rejects(withTenant(store.db, org, (trx) => sql`update audit_events set details = '{}' where chain = ${org}`.execute(trx)), /permission denied/)
  await t.rejects(withTenant(store.db, org, (trx) => sql`delete from audit_events where chain = ${org}`.execute(trx)), /permission denied/)
  await t.rejects(withTenant(store.db, org, (trx) => sql`delete from audit_chains where chain = ${org}`.execute(trx)), /permission denied/)
  t.equal((await chainRows(org)).length, 2)
})

t.test('concurrent transactions append to one chain without a duplicate or a fork', async (t) => {
  const org = randomOrganisationNumber()
  const writers = Array.from({ length: 8 }, (_, w) =>
    withTenant(store.db, org, async (trx) => {
      for (let i = 0; i < 5; i++) await appendAudit(trx, [event(org, w * 100 + i), event(org, w * 100 + i + 50)])
    }))
  await Promise.all(writers)
  const rows = await chainRows(org)
  t.same(rows.map((r) => r.seq), Array.from({ length: 80 }, (_, i) => i + 1))
  for (let i = 1; i < rows.length; i++) t.equal(rows[i]?.prev_hash, rows[i - 1]?.hash)
  t.equal(new Set(rows.map((r) => r.hash)).size, 80)
})

t.test('one call appends hundreds of events at once', async (t) => {
  const org = randomOrganisationNumber()
  const batch = Array.from({ length: 1500 }, (_, i) => event(org, i))
  await store.db.transaction().execute((trx) => appendAudit(trx, batch))
  const rows = await chainRows(org)
  t.equal(rows.length, 1500)
  t.equal(rows.at(-1)?.seq, 1500)
})

t.test('what is hashed is what jsonb gives back: undefined members, dates, key order, unicode', async (t) => {
  const org = randomOrganisationNumber()
  const at = new Date('2026-03-01T12:34:56.789Z')
  await store.db.transaction().execute((trx) => appendAudit(trx, [{
    organisation: org,
    action: 'mapping.published',
    actor: { kind: 'system', component: 'test' },
    at,
    details: { zeta: undefined, when: new Date('2026-01-01T00:00:00Z'), nested: { b: 2, a: [1, { d: 'ö\n', c: 1e21 }] }, big: 2 ** 40, frac: 0.1 }
  }]))
  const [row] = await chainRows(org)
  t.equal(row?.at.toISOString(), '2026-03-01T12:34:56.789Z', 'the given time, to the millisecond')
  t.same(row?.details, { when: '2026-01-01T00:00:00.000Z', nested: { b: 2, a: [1, { d: 'ö\n', c: 1e21 }] }, big: 2 ** 40, frac: 0.1 })
  const result = await verifyChain(auditRepository(store.db), org)
  t.match(result, { ok: true, events: 1, organisation: org })
})

t.test('an empty or unknown chain verifies as empty', async (t) => {
  t.match(await verifyChain(auditRepository(store.db), randomOrganisationNumber()), { ok: true, events: 0, head: { seq: 0, hash: GENESIS_HASH } })
  await store.db.transaction().execute((trx) => appendAudit(trx, []))
})

t.test('concurrent appends to several chains lock them in one order, so none deadlocks', async (t) => {
  const [a, b] = [randomOrganisationNumber(), randomOrganisationNumber()].sort() as [string, string]
  const writers = Array.from({ length: 10 }, (_, w) => store.db.transaction().execute(async (trx) => {
    const pair = w % 2 === 0 ? [event(b, w), event(null, w), event(a, w)] : [event(a, w), event(b, w), event(null, w)]
    await appendAudit(trx, pair)
    await sql`select pg_sleep(0.01)`.execute(trx)
  }))
  await Promise.all(writers)
  for (const chain of [a, b]) t.same((await chainRows(chain)).map((r) => r.seq), Array.from({ length: 10 }, (_, i) => i + 1), chain)
  t.equal((await verifyChain(auditRepository(store.db), 'platform')).ok, true)
})
