// A whole session at the most verbose log level — organisation and API key, an HR import
// carrying personnummer in every form, an LDAP source with its bind password, a mapping,
// relying parties with private_key_jwt, attribute tokens (by personnummer too) and a run of
// failing requests — then a search of everything the service wrote where people other than
// the caller can read it (the log, every error body, the audit table) for every secret.
import t from 'tap'
import { Writable } from 'node:stream'
import { randomBytes, randomInt } from 'node:crypto'
import { sql } from 'kysely'
import { exportJWK, exportPKCS8 } from 'jose'
import type { FastifyInstance } from 'fastify'
import { ADMIN_TOKEN, TEST_KEK, adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { requireLdap, type LdapSettings } from '../helpers/services.js'
import { approveRelyingParty, clientAssertion, clientKey, registerRelyingParty, relyingPartyDocument } from '../helpers/relying-party.js'
import { createHrSource, csv, importAndWait, waitForRun } from '../helpers/sync.js'
import { hrRows, createLdapSource, ldapSourceConfig, syncAndWait } from '../directory/helpers/ldap-sync.js'
import { loadMunicipalDirectory } from '../directory/helpers/municipal-directory.js'
import { mappingYaml, publishMapping } from '../mapping/helpers/mapping-app.js'
import { luhnCheckDigit } from '../../src/identifiers/luhn.js'
import { JWT_BEARER_ASSERTION } from '../../src/oauth/client-assertion.js'
import { allowLoopbackFetch } from '../helpers/outbound.js'
import { SAML_ATTRIBUTE, samlTestIdp } from '../helpers/saml-idp.js'

const ISSUER = 'https://behorig.test'
/** Not secret: shows the search below finds what the log does hold. */
const CANARY = `canary-${randomBytes(6).toString('hex')}`

/** A valid personnummer born on a random day of the 1970s, and its other written forms. */
function personnummer (): { full: string, dashed: string, short: string, shortDashed: string } {
  const date = `19${70 + randomInt(10)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}`
  const serial = String(randomInt(1000)).padStart(3, '0')
  const full = date + serial + luhnCheckDigit(date.slice(2) + serial)
  return { full, dashed: `${full.slice(0, 8)}-${full.slice(8)}`, short: full.slice(2), shortDashed: `${full.slice(2, 8)}-${full.slice(8)}` }
}
const forms = (p: ReturnType<typeof personnummer>): string[] => [p.full, p.dashed, p.short, p.shortDashed]

let logs = ''
const logStream = new Writable({ write (chunk: Buffer, _enc, done) { logs += chunk.toString(); done() } })
const store = await openTestStore()
const { app, createOrganisation } = await buildTestApp(store, { LOG_LEVEL: 'trace', BEHORIG_ISSUER: ISSUER, ...allowLoopbackFetch }, { logStream })

// Every answer with a 4xx or 5xx status, whoever made the request (the helpers included).
const errorBodies: string[] = []
const inject = app.inject.bind(app) as (opts: object) => Promise<Awaited<ReturnType<FastifyInstance['inject']>>>
;(app as unknown as { inject: typeof inject }).inject = async (opts) => {
  const res = await inject(opts)
  if (res.statusCode >= 400) errorBodies.push(`${res.statusCode} ${res.body}`)
  return res
}

const ldap: LdapSettings = requireLdap()
const secrets = new Map<string, string>()
const secret = (what: string, value: string): string => { secrets.set(what, value); return value }
secret('admin token', ADMIN_TOKEN)
secret('key-encryption key', TEST_KEK)
secret('LDAP bind password', ldap.bindPassword)

t.test('a full sync → mapping → token session', async (t) => {
  const org = await createOrganisation('Loggkommun')
  const keyRes = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/api-keys`, headers: adminHeaders, payload: { scopes: ['sources:write', 'sources:read', 'people:read', 'mappings:write', 'mappings:read'] } })
  t.equal(keyRes.statusCode, 201)
  const apiKey = secret('API key', keyRes.json().key as string)
  // bhk_<16-character id>_<secret>
  secret('API key secret part', apiKey.slice(21))
  const keyHeaders = { authorization: `Bearer ${apiKey}` }

  // The directory, and HR people carrying personnummer: 12 digits, 12 with a hyphen (both
  // valid), and the two 10-digit forms (refused as ambiguous: quarantined, still never logged).
  const directory = await loadMunicipalDirectory(t, ldap)
  const [anna, asa, bjorn, per] = [personnummer(), personnummer(), personnummer(), personnummer()]
  for (const [who, p] of Object.entries({ anna, asa, bjorn, per })) for (const [i, form] of forms(p).entries()) secret(`${who}'s personnummer (form ${i + 1})`, form)
  const pins: Record<string, string> = { anna: anna.full, asa: asa.dashed, bjorn: bjorn.short, per: per.shortDashed }
  const rows = hrRows(directory).map((row) => {
    const key = Object.entries(directory.employeeNumbers).find(([, n]) => n === row.employee_number)?.[0] ?? ''
    return pins[key] ? { ...row, personal_identity_number: pins[key] } : row
  })
  await createHrSource(app, org, 'hr', { max_end_percent: 100 })
  const hrRun = await importAndWait(app, org, csv(rows))
  t.equal(hrRun.state, 'succeeded', JSON.stringify(hrRun))
  t.equal(hrRun.counts.quarantined, 2, 'the two 10-digit forms are quarantined')
  const quarantine = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/sync-runs/${hrRun.id as string}/quarantine`, headers: keyHeaders })
  t.equal(quarantine.statusCode, 200)
  for (const p of [bjorn, per]) for (const form of forms(p)) t.notOk(quarantine.body.includes(form), 'the quarantine list names the problem, not the number')

  // An LDAP source with the directory's bind password, and one with a wrong password.
  await createLdapSource(app, org, ldapSourceConfig(ldap, directory), { maxEndPercent: 100 })
  const ldapRun = await syncAndWait(app, org)
  t.equal(ldapRun.state, 'succeeded', JSON.stringify(ldapRun))
  const wrong = secret('wrong LDAP bind password', `Fel-Lösen-${randomBytes(8).toString('hex')}`)
  await createLdapSource(app, org, ldapSourceConfig(ldap, directory, { bind_password: wrong, timeout_seconds: 2 }), { id: 'ad-wrong' })
  const failed = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/ad-wrong/sync`, headers: adminHeaders })
  const failedRun = await waitForRun(app, org, failed.json().run_id as string, (s) => s === 'failed')
  t.equal(failedRun.state, 'failed')
  errorBodies.push(JSON.stringify(failedRun))
  const badConfig = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources`, headers: adminHeaders, payload: { id: 'ad-bad', kind: 'ldap', config: { url: 'not a url', bind_dn: 'cn=x', bind_password: secret('rejected bind password', `Avvisat-${randomBytes(8).toString('hex')}`) } } })
  t.equal(badConfig.statusCode, 422, badConfig.body)

  // The mapping: the nested EB group grants the caseworker attribute.
  await publishMapping(app, org, mappingYaml(`  - id: eb-grupp\n    when: { groups: ["${directory.groups.ebHandlaggare}"] }\n    grant: [socialtjanst.eb.handlaggare]\n`))

  // Relying parties with private_key_jwt: a pairwise one and one with a legal basis for personnummer.
  const key = await clientKey()
  const jwk = await exportJWK(key.privateKey)
  secret('client private key (JWK d)', jwk.d as string)
  const pem = await exportPKCS8(key.privateKey)
  secret('client private key (PEM body)', pem.split('\n').filter((l) => !l.startsWith('-----')).join(''))
  for (const line of pem.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'))) secrets.set(`PEM line ${line.slice(0, 4)}`, line)
  await registerRelyingParty(app, 'log-fk', relyingPartyDocument([key]))
  await registerRelyingParty(app, 'log-pin', relyingPartyDocument([key], { release: { attributes: ['socialtjanst.eb.handlaggare'], subject: 'personal-identity-number', legal_basis: 'Socialförsäkringsbalken (2010:110) 110 kap. 31 §' } }))
  for (const clientId of ['log-fk', 'log-pin']) await approveRelyingParty(app, org, clientId)
  const refusedParty = await app.inject({ method: 'PUT', url: '/v1/relying-parties/log-private', headers: adminHeaders, payload: relyingPartyDocument([key], { jwks: { keys: [{ ...key.publicJwk, d: jwk.d }] } }) })
  t.equal(refusedParty.statusCode, 422, 'a private key offered as a public one is refused')

  const token = async (clientId: string, assertion: string) => app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion }).toString() })
  const bearer = async (clientId: string) => {
    const assertion = secret(`client assertion of ${clientId}`, await clientAssertion(key, clientId, ISSUER))
    const res = await token(clientId, assertion)
    t.equal(res.statusCode, 200, res.body)
    return { authorization: `Bearer ${secret(`access token of ${clientId}`, res.json().access_token as string)}` }
  }
  const fk = await bearer('log-fk')
  const pinParty = await bearer('log-pin')
  const ask = (headers: { authorization: string }, subject: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/v1/attribute-tokens', headers, payload: { subject: { organisation: org, ...subject }, ...extra } })
  const annaNumber = directory.employeeNumbers['anna'] as string
  t.equal((await ask(fk, { type: 'employee-number', value: annaNumber })).statusCode, 200)
  t.equal((await ask(fk, { type: 'personal-identity-number', value: anna.full })).statusCode, 200, 'found by personnummer')
  t.equal((await ask(fk, { type: 'personal-identity-number', value: anna.dashed })).statusCode, 200, 'and by its dashed form')
  t.equal((await ask(pinParty, { type: 'personal-identity-number', value: asa.full })).statusCode, 200, 'a token whose sub is the personnummer')

  // A SAML login naming Anna by personnummer (Sweden Connect's attribute), traded for her
  // attribute token; then one naming a person the organisation does not have, and a forged one.
  const SP = 'https://e-tjanst.logg.test/sp'
  const idp = await samlTestIdp({ entityId: 'https://idp.loggkommun.test/saml' })
  const registered = await app.inject({ method: 'PUT', url: '/v1/identity-providers/logg-saml', headers: adminHeaders, payload: { kind: 'saml', organisations: [org], saml: { metadata_xml: idp.metadata() }, subject: { match: ['personal-identity-number'] } } })
  t.equal(registered.statusCode, 201, registered.body)
  await registerRelyingParty(app, 'log-saml', relyingPartyDocument([key], { subject_token_audiences: [SP] }))
  await approveRelyingParty(app, org, 'log-saml')
  const samlLogin = async (pin: string, what: string) => secret(what, Buffer.from(await idp.assertion({ audience: SP, attributes: { [SAML_ATTRIBUTE.personalIdentityNumber]: [pin] } })).toString('base64url'))
  const exchange = async (subjectToken: string) => app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: subjectToken, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: await clientAssertion(key, 'log-saml', ISSUER) }).toString()
  })
  const exchanged = await exchange(await samlLogin(anna.full, 'SAML assertion naming anna'))
  t.equal(exchanged.statusCode, 200, exchanged.body)
  secret('attribute token from a SAML login', exchanged.json().access_token as string)
  t.equal((await exchange(await samlLogin(bjorn.full, 'SAML assertion naming bjorn'))).statusCode, 400, 'a person the organisation does not have')
  const forged = Buffer.from(idp.assertionXml({ audience: SP, attributes: { [SAML_ATTRIBUTE.personalIdentityNumber]: [asa.full] } }).xml).toString('base64url')
  t.equal((await exchange(secret('unsigned SAML assertion naming asa', forged))).statusCode, 400, 'an unsigned assertion')

  // Failing requests, each carrying something secret.
  const failures = [
    await ask(fk, { type: 'personal-identity-number', value: anna.short }),
    await ask(fk, { type: 'personal-identity-number', value: anna.shortDashed }),
    await ask(fk, { type: 'personal-identity-number', value: bjorn.full }),
    await ask(fk, { type: 'personal-identity-number', value: anna.full }, { personal_identity_number: anna.full }),
    await ask(fk, { type: 'social-security-number', value: anna.dashed }),
    await ask({ authorization: `Bearer ${secrets.get('API key') as string}` }, { type: 'personal-identity-number', value: anna.full }),
    await app.inject({ method: 'GET', url: '/v1/organisations', headers: { 'x-request-id': CANARY, authorization: `Bearer ${secret('wrong admin token', `wrong-${randomBytes(24).toString('hex')}`)}` } }),
    await app.inject({ method: 'GET', url: `/v1/organisations/${org}`, headers: { authorization: `Bearer ${secret('API key with a wrong secret', apiKey.slice(0, 21) + randomBytes(32).toString('base64url'))}` } }),
    await token('log-fk', secrets.get('client assertion of log-fk') as string),
    await token('log-fk', secret('assertion signed by another key', await clientAssertion(await clientKey(), 'log-fk', ISSUER))),
    await token('log-fk', secret('expired assertion', await clientAssertion(key, 'log-fk', ISSUER, { claims: { exp: Math.floor(Date.now() / 1000) - 600 } }))),
    await app.inject({ method: 'POST', url: `/v1/organisations/${org}/sources/hr/imports`, headers: { ...keyHeaders, 'content-type': 'application/json' }, payload: `{"employments":[{"employee_number":"9","personal_identity_number":"${anna.full}",` }),
    await app.inject({ method: 'PUT', url: `/v1/organisations/${org}`, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: `{"name":"${anna.dashed}","kind":"${anna.full}"}` })
  ]
  for (const res of failures) t.ok(res.statusCode >= 400 && res.statusCode < 500, `refused with ${res.statusCode}`)
})

t.test('no secret is in the log, an error body or the audit table', async (t) => {
  t.ok(logs.length > 10_000, `the session was logged (${logs.length} characters)`)
  t.equal(app.log.level, 'trace', 'logged at the most verbose level')
  t.ok(logs.includes('/v1/attribute-tokens') && logs.includes('/oauth/token') && logs.includes('/sync'), 'the token and sync requests are in it')
  t.ok(errorBodies.length >= 15, `${errorBodies.length} error bodies collected`)
  const audit = await sql<Record<string, unknown>>`select * from audit_events order by chain, seq`.execute(store.db)
  t.ok(audit.rows.length > 0, `${audit.rows.length} audit events`)
  t.ok(logs.includes(CANARY), 'the search finds a value the log holds')
  t.ok(errorBodies.some((b) => b.includes('invalid_client')), 'and one the error bodies hold')
  const places = { log: logs, 'error bodies': errorBodies.join('\n'), 'audit events': JSON.stringify(audit.rows) }
  t.ok(secrets.size >= 25, `${secrets.size} secrets searched for`)
  for (const [where, text] of Object.entries(places)) {
    const found = [...secrets].filter(([, value]) => text.includes(value)).map(([what]) => what)
    t.same(found, [], `nothing secret in the ${where}`)
  }
})
