// Every JWT attack in one table, run against both JWTs behorig verifies from outside:
// client assertions (private_key_jwt at /oauth/token, RFC 7523) and token-exchange
// subject tokens (RFC 8693, signed by an organisation's registered IdP). Each attack is
// a token that differs from an accepted one in exactly one way, so a refusal has one cause.
import t, { type Test } from 'tap'
import { createHmac, createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign as cryptoSign, type JsonWebKey } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { adminHeaders } from '../helpers/app.js'
import { approveRelyingParty, clientAssertion, tokenRequest } from '../helpers/relying-party.js'
import { agency, ISSUER, requestToken, seededOrganisation, tokenTestApp } from '../tokens/helpers/token-app.js'
import { problemType } from '../helpers/problem-type.js'

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
const IDP = 'https://idp.exempelkommun.test'
const OTHER_IDP = 'https://idp.grannkommun.test'

// ---- a server that must never be called: every URL an attacker can put in a header points here
let outboundRequests = 0
const bait = createServer((req, res) => { outboundRequests++; res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [attackerJwk] })) })
bait.on('connection', () => { outboundRequests++ })
await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => bait.close(() => resolve())))
const BAIT_URL = `http://127.0.0.1:${(bait.address() as AddressInfo).port}`

// ---- keys: node:crypto signs any header, where jose would refuse to make some of these tokens
const b64 = (data: string | Buffer): string => Buffer.from(data).toString('base64url')
const ecKey = (): { privateKey: KeyObject, jwk: JsonWebKey } => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) }
}
function es256 (header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`
  return `${input}.${b64(cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`
}
function hs256 (header: Record<string, unknown>, claims: Record<string, unknown>, secret: Buffer): string {
  const input = `${b64(JSON.stringify({ ...header, alg: 'HS256' }))}.${b64(JSON.stringify(claims))}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}
const unsigned = (header: Record<string, unknown>, claims: Record<string, unknown>): string => `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}.`

const attacker = ecKey()
const attackerJwk = { ...attacker.jwk, kid: 'attacker-1', use: 'sig', alg: 'ES256' }
/** A self-signed certificate for the attacker's key, for the x5c header. */
function attackerCertificate (t: Test): string {
  const dir = t.testdir()
  const keyFile = join(dir, 'key.pem')
  const certFile = join(dir, 'cert.pem')
  execFileSync('sh', ['-c', `cat > ${keyFile}`], { input: attacker.privateKey.export({ type: 'pkcs8', format: 'pem' }) })
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-subj', '/CN=attacker', '-days', '1'])
  return readFileSync(certFile, 'utf8').replace(/-----[A-Z ]+-----|\s/g, '')
}

// ---- the app: one municipality with people and a mapping, two agencies, two IdPs
const test = await tokenTestApp()
const { app } = test
const org = await seededOrganisation(test)
const fk = await agency(app, 'fk')
await approveRelyingParty(app, org, fk.clientId)
const csn = await agency(app, 'csn')
await approveRelyingParty(app, org, csn.clientId)
const idp = ecKey()
const idpJwk = { ...idp.jwk, kid: 'idp-1', use: 'sig', alg: 'ES256' }
const otherIdp = ecKey()
for (const [organisation, document] of [
  [org, { issuer: IDP, jwks: { keys: [idpJwk] }, subject: { claim: 'employee_number', type: 'employee-number' } }],
  [await test.createOrganisation('Grannkommun'), { issuer: OTHER_IDP, jwks: { keys: [{ ...otherIdp.jwk, kid: 'idp-1', use: 'sig', alg: 'ES256' }] }, subject: { claim: 'employee_number', type: 'employee-number' } }]
] as const) {
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${organisation}/identity-provider`, headers: adminHeaders, payload: document })
  if (res.statusCode !== 201) throw new Error(`registering the IdP failed: ${res.statusCode} ${res.body}`)
}

const now = (): number => Math.floor(Date.now() / 1000)

/** One kind of JWT behorig verifies, and how a client sends it. */
interface Target {
  name: string
  /** RFC 6749 §5.2: a failed client authentication is invalid_client (401); RFC 8693 §2.2.2: a bad subject_token is invalid_request (400). */
  error: 'invalid_client' | 'invalid_request'
  status: number
  key: KeyObject
  publicJwk: JsonWebKey & { kid: string }
  header (): Record<string, unknown>
  claims (): Record<string, unknown>
  send (token: string, as?: 'fk' | 'csn'): Promise<LightMyRequestResponse>
  /** typ values naming another kind of JWT. */
  wrongTypes: string[]
  /** A token whose iss (or sub) claims someone else, signed with this target's key. */
  impostors (): string[]
}

const assertions: Target = {
  name: 'client assertion',
  error: 'invalid_client',
  status: 401,
  key: KeyObject.from(fk.key.privateKey as Parameters<typeof KeyObject.from>[0]),
  publicJwk: fk.key.publicJwk as JsonWebKey & { kid: string },
  header: () => ({ alg: 'ES256', kid: fk.key.kid }),
  claims: () => ({ iss: 'fk', sub: 'fk', aud: ISSUER, iat: now(), exp: now() + 60, jti: randomUUID() }),
  send: (token) => tokenRequest(app, token),
  wrongTypes: ['at+jwt', 'attribute-token+jwt', 'application/logout+jwt', 'dpop+jwt'],
  impostors () {
    return [
      es256(this.header(), { ...this.claims(), sub: 'csn' }, this.key),
      es256(this.header(), { ...this.claims(), iss: 'csn', sub: 'csn' }, this.key),
      es256({ ...this.header(), kid: csn.key.kid }, { ...this.claims(), iss: 'csn', sub: 'csn' }, this.key)
    ]
  }
}

const subjectTokens: Target = {
  name: 'subject token',
  // RFC 8693 §2.2.2: an invalid or unacceptable subject_token is invalid_request.
  error: 'invalid_request',
  status: 400,
  key: idp.privateKey,
  publicJwk: idpJwk,
  header: () => ({ alg: 'ES256', kid: 'idp-1' }),
  claims: () => ({ iss: IDP, sub: 'user-abc', aud: 'fk', employee_number: '1001', acr: 'http://id.elegnamnden.se/loa/1.0/loa3', iat: now(), exp: now() + 300, jti: randomUUID() }),
  async send (token, as = 'fk') {
    const client = as === 'fk' ? fk : csn
    return tokenRequest(app, await clientAssertion(client.key, as, ISSUER), { grant_type: GRANT, subject_token: token, subject_token_type: JWT_TYPE })
  },
  wrongTypes: ['attribute-token+jwt', 'logout+jwt', 'application/secevent+jwt', 'statuslist+jwt'],
  impostors () {
    return [
      es256(this.header(), { ...this.claims(), iss: OTHER_IDP }, this.key),
      es256(this.header(), { ...this.claims(), iss: 'https://idp.elsewhere.test' }, this.key)
    ]
  }
}

/** An attack: tokens to send, each made from a target's valid header and claims. */
interface Attack {
  name: string
  tokens (target: Target, t: Test): Promise<string[]> | string[]
  /** Some requests are refused before the token is read (body limit): then invalid_request. */
  requestLevel?: boolean
  /** What error_description must say, where both targets say it alike. */
  reason?: RegExp
}

/** Spellings of one token with a character that is not base64url in each segment. */
function misencoded (token: string): string[] {
  const segments = token.split('.')
  const out: string[] = []
  for (let i = 0; i < 3; i++) {
    for (const bad of ['+', '/', '==', ' ', '!', '%2e', '\u00e5', '\u0000']) {
      const copy = [...segments]
      const s = copy[i] as string
      copy[i] = bad === '==' ? s + bad : s.slice(0, 4) + bad + s.slice(4)
      out.push(copy.join('.'))
    }
  }
  return out
}

const ATTACKS: Attack[] = [
  { name: 'alg none, in any case', reason: /alg|ALG/, tokens: (x) => ['none', 'None', 'NONE', 'nOnE'].map((alg) => unsigned({ ...x.header(), alg }, x.claims())) },
  {
    name: 'alg none with the signature of a valid token kept',
    reason: /alg|ALG/,
    tokens: (x) => { const valid = es256(x.header(), x.claims(), x.key).split('.'); return [`${b64(JSON.stringify({ ...x.header(), alg: 'none' }))}.${valid[1]}.${valid[2]}`] }
  },
  {
    name: 'HS256 keyed with the public key (algorithm confusion)',
    reason: /alg|ALG/,
    tokens (x) {
      const pem = createPublicKey({ key: x.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
      const der = createPublicKey({ key: x.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' })
      return [Buffer.from(pem), der, Buffer.from(JSON.stringify(x.publicJwk))].map((secret) => hs256(x.header(), x.claims(), secret))
    }
  },
  { name: 'a typ naming another kind of JWT', reason: /typ/, tokens: (x) => x.wrongTypes.map((typ) => es256({ ...x.header(), typ }, x.claims(), x.key)) },
  { name: 'expired', reason: /expired/, tokens: (x) => [es256(x.header(), { ...x.claims(), iat: now() - 600, exp: now() - 120 }, x.key)] },
  { name: 'iat in the future beyond the leeway', reason: /iat is in the future/, tokens: (x) => [es256(x.header(), { ...x.claims(), iat: now() + 120, exp: now() + 240 }, x.key)] },
  { name: 'nbf in the future', reason: /nbf/, tokens: (x) => [es256(x.header(), { ...x.claims(), nbf: now() + 120 }, x.key)] },
  {
    name: 'another audience',
    reason: /aud/,
    tokens: (x) => ['https://other-as.example', `${ISSUER}/v1/attribute-tokens`, ['https://other-as.example'], 'csn'].map((aud) => es256(x.header(), { ...x.claims(), aud }, x.key))
  },
  { name: 'an iss or sub that is someone else', tokens: (x) => x.impostors() },
  { name: 'no exp', reason: /exp/, tokens: (x) => { const { exp: _exp, ...claims } = x.claims(); return [es256(x.header(), claims, x.key)] } },
  { name: 'non-numeric or non-finite times', reason: /exp|nbf|iat/, tokens: (x) => [{ exp: String(now() + 60) }, { exp: Infinity }, { nbf: 'yesterday' }, { iat: [now()] }].map((c) => es256(x.header(), { ...x.claims(), ...c }, x.key)) },
  { name: 'signed by another key under the right kid', tokens: (x) => [es256(x.header(), x.claims(), attacker.privateKey)] },
  { name: 'oversized (100 kB)', requestLevel: true, tokens: (x) => [es256(x.header(), { ...x.claims(), padding: 'x'.repeat(100_000) }, x.key)] },
  { name: 'characters that are not base64url in each segment', reason: /not a JWT/, tokens: (x) => misencoded(es256(x.header(), x.claims(), x.key)) },
  {
    name: 'a trailing segment, or a JWE-shaped five-part token',
    reason: /not a JWT/,
    tokens (x) {
      const valid = es256(x.header(), x.claims(), x.key)
      const jweHeader = b64(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: x.publicJwk.kid }))
      return [`${valid}.`, `${valid}.${b64('more')}`, `${valid}.x.y`, `${jweHeader}..${b64('iv-iv-iv-iv')}.${b64('ciphertext')}.${b64('tag')}`, valid.split('.').slice(0, 2).join('.'), `.${valid}`]
    }
  },
  {
    name: 'an unknown kid with jku, x5u, jwk or x5c naming the attacker\'s key',
    tokens (x, t) {
      const claims = x.claims()
      const sign = (header: Record<string, unknown>) => es256({ alg: 'ES256', ...header }, { ...claims, jti: randomUUID() }, attacker.privateKey)
      return [
        sign({ kid: 'attacker-1', jku: `${BAIT_URL}/jwks.json` }),
        sign({ kid: x.publicJwk.kid, jku: `${BAIT_URL}/jwks.json` }),
        sign({ kid: 'attacker-1', x5u: `${BAIT_URL}/cert.pem` }),
        sign({ kid: 'attacker-1', jwk: attackerJwk }),
        sign({ jwk: attackerJwk }),
        sign({ kid: x.publicJwk.kid, jwk: attackerJwk }),
        sign({ kid: 'attacker-1', x5c: [attackerCertificate(t)] }),
        sign({ x5c: [attackerCertificate(t)], x5u: `${BAIT_URL}/cert.pem`, jku: `${BAIT_URL}/jwks.json` })
      ]
    }
  },
  {
    name: 'a crit header the verifier does not understand',
    tokens: (x) => [
      es256({ ...x.header(), crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }, x.claims(), x.key),
      es256({ ...x.header(), crit: [] }, x.claims(), x.key),
      es256({ ...x.header(), crit: ['jku'], jku: `${BAIT_URL}/jwks.json` }, x.claims(), x.key),
      es256({ ...x.header(), b64: false, crit: ['b64'] }, x.claims(), x.key)
    ]
  }
]

async function refused (t: Test, target: Target, res: LightMyRequestResponse, what: string, requestLevel = false, reason?: RegExp): Promise<void> {
  t.ok(res.statusCode < 500, `${what}: never a 5xx (${res.statusCode})`)
  if (requestLevel) {
    // The form's body limit (64 kB) refuses it before the token is read: RFC 6749's invalid_request.
    t.ok([400, 413].includes(res.statusCode), `${what}: refused before it is read (${res.statusCode})`)
    t.equal(res.json().error, 'invalid_request', what)
  } else {
    t.equal(res.statusCode, target.status, `${what}: ${res.body}`)
    t.equal(res.json().error, target.error, what)
    if (reason) t.match(res.json().error_description, reason, `${what}: refused for the right reason`)
  }
  t.notOk('access_token' in res.json(), `${what}: no token`)
}

for (const target of [assertions, subjectTokens]) {
  t.test(`${target.name}s`, async (t) => {
    t.test('the untouched token is accepted (so each refusal below has one cause)', async (t) => {
      for (const header of [target.header(), { ...target.header(), typ: 'JWT' }]) {
        const res = await target.send(es256(header, target.claims(), target.key))
        t.equal(res.statusCode, 200, res.body)
      }
    })

    for (const attack of ATTACKS) {
      t.test(`refuses ${attack.name}`, async (t) => {
        const tokens = await attack.tokens(target, t)
        t.ok(tokens.length > 0)
        for (const [i, token] of tokens.entries()) await refused(t, target, await target.send(token), `${attack.name} #${i + 1}`, attack.requestLevel, attack.reason)
      })
    }
  })
}

t.test('refuses a replayed client assertion jti, also re-signed', async (t) => {
  const x = assertions
  const claims = x.claims()
  const token = es256(x.header(), claims, x.key)
  t.equal((await x.send(token)).statusCode, 200)
  await refused(t, x, await x.send(token), 'the same assertion again')
  await refused(t, x, await x.send(es256(x.header(), { ...claims, iat: now() + 1 }, x.key)), 'a new assertion with the used jti')
  await refused(t, x, await x.send(es256({ ...x.header(), typ: 'JWT' }, claims, x.key)), 'the used jti under another header')
})

// RFC 8693 does not make subject tokens single-use, and an ID token is commonly exchanged
// again while it lives (an attribute token lives 5 minutes, a session longer). What must
// not happen is another relying party replaying a token the IdP issued for one client.
t.test('refuses a subject token replayed by a relying party it was not issued to', async (t) => {
  const x = subjectTokens
  const token = es256(x.header(), x.claims(), x.key)
  t.equal((await x.send(token, 'fk')).statusCode, 200, 'fk, its audience, exchanges it')
  await refused(t, x, await x.send(token, 'csn'), 'csn replays it')
  const forCsn = es256(x.header(), { ...x.claims(), aud: 'csn' }, x.key)
  await refused(t, x, await x.send(forCsn, 'fk'), 'fk replays one issued to csn')
})

t.test('no header made the server fetch anything', async (t) => {
  t.equal(outboundRequests, 0, 'the bait server received no connection')
  // The bait is live: a request to it is counted, so the zero above can fail.
  await fetch(`${BAIT_URL}/jwks.json`)
  t.ok(outboundRequests > 0)
})

// ---- the bearer of POST /v1/attribute-tokens: only behorig's own at+jwt access tokens
t.test('forged or misused bearer tokens on /v1/attribute-tokens', async (t) => {
  const subject = { type: 'employee-number', value: '1001', organisation: org }
  const fetchesBefore = outboundRequests
  const bearer = await fk.bearer()
  const valid = await requestToken(app, bearer, subject)
  t.equal(valid.statusCode, 200, 'the baseline: a real access token works')
  const accessToken = bearer.authorization.slice('Bearer '.length)
  const attributeToken = valid.json().attribute_token as string
  const statusUri = new URL(JSON.parse(Buffer.from(attributeToken.split('.')[1] as string, 'base64url').toString()).status.status_list.uri as string)
  const statusList = await app.inject({ method: 'GET', url: statusUri.pathname })
  t.equal(statusList.statusCode, 200)
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<JsonWebKey & { kid: string }> }
  const ours = jwks.keys[0] as JsonWebKey & { kid: string }
  const [h, p] = accessToken.split('.') as [string, string, string]
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  const pem = Buffer.from(createPublicKey({ key: ours, format: 'jwk' }).export({ type: 'spki', format: 'pem' }))

  const forged: Array<[string, string]> = [
    ['alg none', unsigned({ ...header, alg: 'none' }, claims)],
    ['alg none with the real signature kept', `${b64(JSON.stringify({ ...header, alg: 'none' }))}.${p}.${accessToken.split('.')[2]}`],
    ['HS256 keyed with behorig\'s public key', hs256(header, claims, pem)],
    ['HS256 keyed with behorig\'s JWK', hs256(header, claims, Buffer.from(JSON.stringify(ours)))],
    ['an access token signed by another key under behorig\'s kid', es256(header, claims, attacker.privateKey)],
    ['an access token with the attacker\'s key embedded', es256({ ...header, kid: 'attacker-1', jwk: attackerJwk, jku: `${BAIT_URL}/jwks.json` }, claims, attacker.privateKey)],
    ['an attribute token (signed by behorig, but not an access token)', attributeToken],
    ['a status list token (signed by behorig, but not an access token)', statusList.body],
    ['the access token with a trailing segment', `${accessToken}.x`]
  ]
  for (const [name, token] of forged) {
    const res = await requestToken(app, { authorization: `Bearer ${token}` }, subject)
    t.equal(res.statusCode, 401, `${name}: ${res.body}`)
    t.equal(res.json().type, problemType('invalid-access-token', ISSUER), name)
    t.notOk('attribute_token' in res.json(), name)
  }
  t.equal(outboundRequests, fetchesBefore, 'still no fetch')
})
