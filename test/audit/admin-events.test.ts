import t from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import { adminHeaders } from '../helpers/app.js'
import { parseApiKey } from '../../src/auth/secrets.js'
import { publishCatalogs } from '../../src/catalog/service.js'
import { defaultCatalogDir } from '../../src/catalog/catalog-loader.js'
import { randomOrganisationNumber } from '../helpers/identifiers.js'
import { clientKey, relyingPartyDocument } from '../helpers/relying-party.js'
import { importJobs, mappingTestApp, mappingYaml, publishMapping, submit } from '../mapping/helpers/mapping-app.js'

const test = await mappingTestApp()
const { app, store, createOrganisation, apiKeyHeaders } = test

interface EventRow { chain: string, seq: number, organisation: string | null, action: string, actor: Record<string, unknown>, client_id: string | null, details: Record<string, any> }

/** The events of one chain after `after`, oldest first, as stored. */
async function events (chain: string, after = 0): Promise<EventRow[]> {
  const rows = await store.db.selectFrom('audit_events').select(['chain', 'seq', 'organisation', 'action', 'actor', 'client_id', 'details'])
    .where('chain', '=', chain).where('seq', '>', String(after) as never).orderBy('seq').execute()
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }) as EventRow)
}

const lastSeq = async (chain: string): Promise<number> => (await events(chain)).at(-1)?.seq ?? 0

/** Every stored audit row as text: what a secret must never be found in. */
async function everyAuditRow (): Promise<string> {
  return JSON.stringify(await store.db.selectFrom('audit_events').selectAll().execute())
}

t.test('start-up records the catalog versions it loaded and the first signing keys, in the platform chain', async (t) => {
  await app.ready() // start-up hooks: the first keys are made here
  const platform = await events('platform')
  const loaded = platform.filter((e) => e.action === 'catalog.loaded')
  t.ok(loaded.length >= 2, 'one event per catalog version')
  t.match(loaded.find((e) => e.details['domain'] === 'socialtjanst' && e.details['version'] === '1.0.0'), { organisation: null, actor: { kind: 'system', component: 'catalog-startup' }, details: { domain: 'socialtjanst', version: '1.0.0', hash: /^sha256:/ } })
  const recorded = await store.db.selectFrom('catalog_versions').select(['domain', 'version']).execute()
  t.same(loaded.map((e) => `${e.details['domain']}@${e.details['version']}`).sort(), recorded.map((v) => `${v.domain}@${v.version}`).sort(), 'exactly the versions recorded')
  const first = platform.find((e) => e.action === 'key.rotated')
  t.match(first, { actor: { kind: 'system', component: 'key-rotation' }, details: { rotated: true, forced: false } })
  t.same(first?.details['keys'].map((k: { from: string | null, to: string }) => `${k.from}->${k.to}`), ['null->active', 'null->next'])

  // Another node starting on the same store: the same catalogs record nothing new; a new
  // version is recorded once; catalogs that lost a published version stop the start-up and
  // leave no trace.
  const dir = t.testdir()
  cpSync(defaultCatalogDir(), dir, { recursive: true })
  t.same((await publishCatalogs(store.db, dir)).recorded, [])
  const versions = readdirSync(join(dir, 'socialtjanst')).map((f) => f.replace(/\.yaml$/, '')).sort(semver.compare)
  const newest = versions.at(-1) as string
  const next = semver.inc(newest, 'major') as string
  writeFileSync(join(dir, 'socialtjanst', `${next}.yaml`), readFileSync(join(dir, 'socialtjanst', `${newest}.yaml`), 'utf8').replace(`\nversion: ${newest}\n`, `\nversion: ${next}\n`))
  t.match((await publishCatalogs(store.db, dir)).recorded, [{ domain: 'socialtjanst', version: next }])
  await t.rejects(publishCatalogs(store.db, defaultCatalogDir()), { message: /no catalog file holds it/ })
  t.equal((await events('platform')).filter((e) => e.action === 'catalog.loaded').length, loaded.length + 1, 'only the new version was recorded')
})

t.test('creating and updating an organisation is recorded in its own chain; a refused document records nothing', async (t) => {
  const org = randomOrganisationNumber()
  const created = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'Exempelkommun', kind: 'municipality', municipality_code: '0180' } })
  t.equal(created.statusCode, 201)
  const updated = await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: adminHeaders, payload: { name: 'Nya kommunen', kind: 'municipality' } })
  t.equal(updated.statusCode, 200)
  t.match(await events(org), [
    { seq: 1, organisation: org, action: 'organisation.created', actor: { kind: 'platform-admin' }, details: { name: 'Exempelkommun', kind: 'municipality', municipality_code: '0180' } },
    { seq: 2, organisation: org, action: 'organisation.updated', actor: { kind: 'platform-admin' }, details: { name: 'Nya kommunen', municipality_code: null } }
  ])

  const other = randomOrganisationNumber()
  const refused = await app.inject({ method: 'PUT', url: `/v1/organisations/${other}`, headers: adminHeaders, payload: { name: 'X', kind: 'kingdom' } })
  t.equal(refused.statusCode, 400)
  t.same(await events(other), [], 'no event for a change that did not happen')
})

t.test('API keys: creation names the key and its scopes and who made it, never the secret; revocation too', async (t) => {
  const org = await createOrganisation()
  const created = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes: ['api-keys:write', 'sources:read'], name: 'Heroma' } })
  t.equal(created.statusCode, 201)
  const { id, key } = created.json() as { id: string, key: string }
  const byKey = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: { authorization: `Bearer ${key}` }, payload: { scopes: ['sources:read'] } })
  t.equal(byKey.statusCode, 201)
  const escalation = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: { authorization: `Bearer ${key}` }, payload: { scopes: ['people:read'] } })
  t.equal(escalation.statusCode, 403)
  const revoked = await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/api-keys/${byKey.json().id}`, headers: { authorization: `Bearer ${key}` } })
  t.equal(revoked.statusCode, 204)
  const again = await app.inject({ method: 'DELETE', url: `/v1/organisations/${org}/api-keys/${byKey.json().id}`, headers: adminHeaders })
  t.equal(again.statusCode, 404)

  t.match((await events(org)).filter((e) => e.action.startsWith('api-key.')), [
    { action: 'api-key.created', actor: { kind: 'platform-admin' }, details: { key_id: id, name: 'Heroma', scopes: ['api-keys:write', 'sources:read'] } },
    { action: 'api-key.created', actor: { kind: 'api-key', key_id: id, organisation: org }, details: { key_id: byKey.json().id, scopes: ['sources:read'] } },
    { action: 'api-key.revoked', actor: { kind: 'api-key', key_id: id, organisation: org }, details: { key_id: byKey.json().id } }
  ])
  t.equal((await events(org)).filter((e) => e.action.startsWith('api-key.')).length, 3, 'the refused creation and the second revocation left nothing')
  const rows = await everyAuditRow()
  // The secret by the key's format: splitting on `_` can leave a tiny fragment, as `_` is in its alphabet.
  for (const secret of [key, byKey.json().key, parseApiKey(key)?.secret]) t.ok(secret && !rows.includes(secret), 'no key secret in the audit log')
  const hash = await store.db.selectFrom('api_keys').select('secret_hash').where('id', '=', id).executeTakeFirstOrThrow()
  t.notOk(rows.includes(hash.secret_hash), 'nor its hash')
})

t.test('identity providers: registration records issuer and kids, removal records the issuer', async (t) => {
  const org = await createOrganisation()
  const jwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'idp-1' }
  const document = { issuer: 'https://idp.exempel.se', jwks: { keys: [jwk] }, subject: { claim: 'employee_number', type: 'employee-number' } }
  const path = `/v1/organisations/${org}/identity-provider`
  t.equal((await app.inject({ method: 'PUT', url: path, headers: adminHeaders, payload: document })).statusCode, 201)
  const bad = await app.inject({ method: 'PUT', url: path, headers: adminHeaders, payload: { ...document, jwks_uri: 'https://idp.exempel.se/jwks' } })
  t.equal(bad.statusCode, 422)
  t.equal((await app.inject({ method: 'DELETE', url: path, headers: adminHeaders })).statusCode, 204)
  const recorded = (await events(org)).filter((e) => e.action.startsWith('identity-provider.'))
  t.match(recorded, [
    { action: 'identity-provider.registered', actor: { kind: 'platform-admin' }, details: { id: `org-${org}`, created: true, kind: 'oidc', issuer: 'https://idp.exempel.se', organisations: [org], kids: ['idp-1'], subject: { match: ['employee-number'], claims: { 'employee-number': 'employee_number' } } } },
    { action: 'identity-provider.removed', details: { id: `org-${org}`, issuer: 'https://idp.exempel.se' } }
  ])
  t.equal(recorded.length, 2)
  t.notOk(JSON.stringify(recorded).includes(String(jwk.x)), 'kids, not keys')
})

t.test('sources: changes are recorded by which settings changed, never a secret value', async (t) => {
  const org = await createOrganisation()
  const writer = await apiKeyHeaders(org, ['sources:write'])
  const writerId = writer.authorization.split('_')[1]
  const ldap = {
    id: 'ad',
    kind: 'ldap',
    schedule: null,
    safety: { max_end_percent: 10 },
    config: {
      url: 'ldaps://dc1.exempel.se',
      bind_dn: 'cn=behorig,ou=service,dc=exempel,dc=se',
      bind_password: 'Hemligt-Lösen-123',
      user_base_dn: 'ou=people,dc=exempel,dc=se',
      user_filter: '(objectClass=inetOrgPerson)',
      attributes: { employee_number: 'employeeNumber', email: 'mail', unique_id: 'entryUUID', display_name: 'displayName' }
    }
  }
  const base = `/v1/organisations/${org}/sources`
  t.equal((await app.inject({ method: 'POST', url: base, headers: writer, payload: ldap })).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: base, headers: writer, payload: ldap })).statusCode, 409, 'a duplicate is refused')
  t.equal((await app.inject({ method: 'POST', url: base, headers: writer, payload: { ...ldap, id: 'bad', config: { ...ldap.config, page_size: -1 } } })).statusCode, 422)
  const replaced = await app.inject({ method: 'PUT', url: `${base}/ad`, headers: writer, payload: { ...ldap, config: { ...ldap.config, bind_password: 'Annat-Lösen-456', user_filter: '(objectClass=person)' } } })
  t.equal(replaced.statusCode, 200)
  // Back to the first filter, a schedule added, the password left out (so kept).
  const kept = await app.inject({ method: 'PUT', url: `${base}/ad`, headers: adminHeaders, payload: { ...ldap, schedule: '*/30 * * * *', config: { ...ldap.config, bind_password: undefined } } })
  t.equal(kept.statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/ad`, headers: writer })).statusCode, 204)

  const recorded = (await events(org)).filter((e) => e.action.startsWith('source.'))
  t.match(recorded, [
    { action: 'source.created', actor: { kind: 'api-key', key_id: writerId }, details: { source: 'ad', kind: 'ldap', schedule: null, safety: { max_end_percent: 10 }, config_digest: /^sha256:/, secrets_configured: ['bind_password'] } },
    { action: 'source.updated', details: { source: 'ad', changed: ['/config/bind_password', '/config/user_filter'], secrets_changed: ['bind_password'] } },
    { action: 'source.updated', actor: { kind: 'platform-admin' }, details: { changed: ['/config/user_filter', '/schedule'], secrets_changed: [] } },
    { action: 'source.deleted', details: { source: 'ad', kind: 'ldap' } }
  ])
  t.equal(recorded.length, 4, 'the refused duplicate and the invalid document left nothing')
  t.not(recorded[0]?.details['config_digest'], recorded[1]?.details['config_digest'], 'the digest tells the configs apart')
  const rows = await everyAuditRow()
  t.notOk(rows.includes('Hemligt') || rows.includes('Annat-Lösen'), 'no bind password in the audit log')
})

t.test('relying parties: recorded in the platform chain by client_id, with the policy and kids only', async (t) => {
  const key = await clientKey()
  const clientId = `audit-rp-${Date.now()}`
  const before = await lastSeq('platform')
  const path = `/v1/relying-parties/${clientId}`
  t.equal((await app.inject({ method: 'PUT', url: path, headers: adminHeaders, payload: relyingPartyDocument([key]) })).statusCode, 201)
  t.equal((await app.inject({ method: 'PUT', url: path, headers: adminHeaders, payload: relyingPartyDocument([key], { token_lifetime: 120 }) })).statusCode, 200)
  t.equal((await app.inject({ method: 'PUT', url: path, headers: adminHeaders, payload: relyingPartyDocument([key], { release: {} }) })).statusCode, 422)
  t.equal((await app.inject({ method: 'DELETE', url: path, headers: adminHeaders })).statusCode, 204)
  const recorded = (await events('platform', before)).filter((e) => e.client_id === clientId)
  t.match(recorded, [
    { organisation: null, action: 'relying-party.created', actor: { kind: 'platform-admin' }, details: { name: 'Försäkringskassan – SSBTEK', organisation: '2021005521', kids: [key.kid], release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'pairwise' }, token_lifetime: 300, disabled: false } },
    { action: 'relying-party.updated', details: { token_lifetime: 120 } },
    { action: 'relying-party.deleted' }
  ])
  t.equal(recorded.length, 3, 'the refused document left nothing')
  t.notOk(JSON.stringify(recorded).includes(String(key.publicJwk.x)), 'no key material copied')
})

t.test('a forced key rotation is recorded with the admin as actor and every key that moved', async (t) => {
  const before = await lastSeq('platform')
  const res = await app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: adminHeaders })
  t.equal(res.statusCode, 200)
  const { active, next } = res.json() as { active: { kid: string }, next: { kid: string } }
  const recorded = (await events('platform', before)).filter((e) => e.action === 'key.rotated')
  t.equal(recorded.length, 1)
  t.match(recorded[0], { actor: { kind: 'platform-admin' }, details: { rotated: true, forced: true } })
  const moves = recorded[0]?.details['keys'] as Array<{ kid: string, from: string | null, to: string | null }>
  t.match(moves, [{ from: 'active', to: 'retired' }, { kid: active.kid, from: 'next', to: 'active' }, { kid: next.kid, from: null, to: 'next' }])
  t.notOk(JSON.stringify(recorded).includes('"d"'), 'no private key member')
  const due = await app.behorig.tokenServices.keys.rotate()
  t.equal(due.rotated, false)
  t.equal((await events('platform', before)).filter((e) => e.action === 'key.rotated').length, 1, 'a rotation check that changes nothing records nothing')
})

t.test('publishing a mapping is recorded with its publisher; a refused publish records nothing', async (t) => {
  const org = await createOrganisation()
  const writer = await apiKeyHeaders(org, ['mappings:write'])
  const rules = `  - id: eb
    when: { position_codes: ["151010"] }
    grant: [socialtjanst.eb.handlaggare]
`
  const created = await submit(app, org, mappingYaml(rules))
  t.equal(created.statusCode, 201)
  const version = created.json().version as number
  const publish = () => app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/${version}/publish`, headers: writer })
  t.equal((await publish()).statusCode, 200)
  t.equal((await publish()).statusCode, 409, 'published versions are immutable')
  const recorded = (await events(org)).filter((e) => e.action === 'mapping.published')
  t.equal(recorded.length, 1)
  t.match(recorded[0], { organisation: org, actor: { kind: 'api-key', organisation: org }, details: { version, domain: 'socialtjanst', catalog_version: '1.0.0', superseded: null, recompute: { people: 0, grants: 0, revoked: 0 } } })
})

t.test('relying-party approvals: granted, changed and withdrawn are recorded in the organisation\'s chain with who did it; a refused one records nothing', async (t) => {
  const org = await createOrganisation()
  const steward = await apiKeyHeaders(org, ['relying-parties:approve'])
  t.equal((await app.inject({ method: 'PUT', url: '/v1/relying-parties/fk-approved', headers: adminHeaders, payload: relyingPartyDocument([await clientKey()]) })).statusCode, 201)
  const url = `/v1/organisations/${org}/relying-party-approvals/fk-approved`
  const before = await lastSeq(org)
  const put = (body: Record<string, unknown>, headers: Record<string, string>) => app.inject({ method: 'PUT', url, headers, payload: { agreement: 'Avtal 2026/14', ...body } })
  t.equal((await put({ attributes: 'all-released', note: 'not recorded' }, steward)).statusCode, 201)
  t.equal((await put({ attributes: ['socialtjanst.eb.handlaggare'], valid_until: '2099-12-31' }, adminHeaders)).statusCode, 200)
  t.equal((await put({ attributes: ['socialtjanst.nope'] }, adminHeaders)).statusCode, 422)
  t.equal((await app.inject({ method: 'DELETE', url, headers: steward })).statusCode, 204)
  t.match(await events(org, before), [
    { organisation: org, client_id: 'fk-approved', action: 'relying-party-approval.granted', actor: { kind: 'api-key', organisation: org }, details: { client_id: 'fk-approved', attributes: 'all-released', purposes: [], valid_until: null, agreement: 'Avtal 2026/14' } },
    { action: 'relying-party-approval.changed', actor: { kind: 'platform-admin' }, details: { attributes: ['socialtjanst.eb.handlaggare'], valid_until: '2099-12-31', tokens_revoked: 0 } },
    { action: 'relying-party-approval.withdrawn', actor: { kind: 'api-key' }, details: { client_id: 'fk-approved', attributes: ['socialtjanst.eb.handlaggare'], tokens_revoked: 0 } }
  ])
  t.equal((await events(org, before)).length, 3, 'nothing for the refused change')
  t.notOk(JSON.stringify(await events(org, before)).includes('not recorded'), 'the note stays with the approval')
})

t.test('making and ending an assignment are events on the organisation\'s chain, with who did it; a refused one is none', async (t) => {
  const org = await createOrganisation()
  await importJobs(app, org, [{ employee_number: '1001', unit_id: 'soc-eb-norr' }])
  await publishMapping(app, org, mappingYaml('  - id: eb\n    when: { position_codes: ["151010"] }\n    grant: [socialtjanst.eb.handlaggare]\n'))
  const steward = await apiKeyHeaders(org, ['assignments:write'])
  const url = `/v1/organisations/${org}/assignments`
  const before = await lastSeq(org)
  const body = { person: { external: { given_name: 'Vera', family_name: 'Vikarie', hsa_id: 'SE2120001124-VERA1' } }, attribute: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-syd', valid_from: '2025-06-10', valid_until: '2025-06-20', reason: 'Sommarvikariat', reference: 'delegationsbeslut 2025-12' }
  t.equal((await app.inject({ method: 'POST', url, headers: steward, payload: { ...body, unit: 'nowhere' } })).statusCode, 422)
  const made = await app.inject({ method: 'POST', url, headers: steward, payload: body })
  t.equal(made.statusCode, 201, made.body)
  const { id, person_id: personId } = made.json() as { id: string, person_id: string }
  t.equal((await app.inject({ method: 'DELETE', url: `${url}/${id}`, headers: adminHeaders, payload: { reason: 'Avbrutet vikariat' } })).statusCode, 200)
  const recorded = await events(org, before)
  t.match(recorded, [
    { organisation: org, action: 'assignment.created', actor: { kind: 'api-key', organisation: org }, details: { assignment: id, attribute: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-syd', valid_from: '2025-06-10', valid_until: '2025-06-20', reason: 'Sommarvikariat', reference: 'delegationsbeslut 2025-12', external: true } },
    { organisation: org, action: 'assignment.ended', actor: { kind: 'platform-admin' }, details: { assignment: id, reason: 'Avbrutet vikariat' } }
  ])
  t.equal(recorded.length, 2, 'nothing for the refused one')
  const person = await store.db.selectFrom('audit_events').select('person_id').where('chain', '=', org).where('seq', '>', String(before) as never).execute()
  t.same(person.map((p) => p.person_id), [personId, personId], 'both name the person')
})
