import t from 'tap'
import { sql } from 'kysely'
import { appendAudit } from '../../src/audit/audit-log.js'
import type { AuditEventInput } from '../../src/audit/audit-event.js'
import { withTenant } from '../../src/store/tenant-scope.js'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'

// The embedded store runs the same migration, the same append and the same verification.
const store = await openTestStore('pglite')
const { app, createOrganisation, apiKeyHeaders } = await buildTestApp(store)
const db = store.db

const event = (organisation: string, n: number): AuditEventInput =>
  ({ organisation, action: 'mapping.published', actor: { kind: 'system', component: 'test' }, details: { n, ü: 'å', list: [{ b: 1, a: 2 }] } })

async function verify (org: string) {
  return (await app.inject({ method: 'GET', url: `/v1/audit/verify?organisation=${org}`, headers: adminHeaders })).json()
}

t.test('appends, reads and verifies on PGlite, and catches tampering', async (t) => {
  const org = await createOrganisation()
  await Promise.all(Array.from({ length: 4 }, (_, w) => withTenant(db, org, (trx) => appendAudit(trx, [event(org, w), event(org, w + 10)]))))
  await db.transaction().execute((trx) => appendAudit(trx, Array.from({ length: 300 }, (_, i) => event(org, 100 + i))))
  const clean = await verify(org)
  t.match(clean, { ok: true, organisation: org })
  t.ok(clean.events >= 308)
  const list = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/audit?action=mapping.published&limit=500`, headers: await apiKeyHeaders(org, ['audit:read']) })
  t.equal(list.json().items.length, 308)
  t.ok(await app.behorig.auditCheckpoint(), 'checkpoint signed')

  const k = clean.head.seq - 5
  await sql`update audit_events set details = jsonb_set(details, '{ü}', '"a"') where chain = ${org} and seq = ${k}`.execute(db)
  t.match(await verify(org), { ok: false, first_broken: { seq: k, reason: 'hash-mismatch' } })
  await t.rejects(withTenant(db, org, (trx) => sql`delete from audit_events where chain = ${org}`.execute(trx)), /permission denied/)
})
