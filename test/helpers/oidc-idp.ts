// A real OpenID Connect provider for tests: panva's oidc-provider over HTTPS on loopback,
// whose ID tokens come out of a full authorization code flow (authorization request, a
// login and consent completed by the test, the code redeemed at the token endpoint).
import { randomBytes, createHash } from 'node:crypto'
import { createServer, request, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import Provider from 'oidc-provider'
import type { Test } from 'tap'
import { selfSignedCertificate } from './self-signed-certificate.js'

export const LOA2 = 'http://id.elegnamnden.se/loa/1.0/loa2'
export const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3'
export const LOA4 = 'http://id.elegnamnden.se/loa/1.0/loa4'

/** Claim names of the Swedish OIDC profile (oidc.se) and the identifiers behorig reads. */
export const OIDC_CLAIM = {
  orgAffiliation: 'https://id.oidc.se/claim/orgAffiliation',
  personalIdentityNumber: 'https://id.oidc.se/claim/personalIdentityNumber',
  orgNumber: 'https://id.oidc.se/claim/orgNumber',
  orgName: 'https://id.oidc.se/claim/orgName',
  employeeHsaId: 'employeeHsaId'
} as const

const NAMES = ['name', 'given_name', 'family_name']
/** What each scope releases; the flow asks for all of them, so every listed claim an account has lands in the ID token. */
const SCOPES: Record<string, string[]> = {
  'https://id.oidc.se/scope/naturalPersonNumber': [OIDC_CLAIM.personalIdentityNumber, ...NAMES],
  'https://id.oidc.se/scope/naturalPersonOrgId': [OIDC_CLAIM.orgAffiliation, OIDC_CLAIM.orgNumber, OIDC_CLAIM.orgName, ...NAMES],
  email: ['email', 'email_verified'],
  // Not oidc.se's: the other identifiers a municipal IdP may send.
  'urn:behorig:test:scope:identifiers': [OIDC_CLAIM.employeeHsaId, 'hsa_id', 'employee_number', 'service_id', 'eduperson_principal_name']
}
const RELEASABLE = new Set(['sub', ...Object.values(SCOPES).flat()])

export interface OidcTestIdpOptions {
  /** The claims of an account (its `sub` is the account id); only names the scopes above list are released. */
  claims: (accountId: string) => Record<string, unknown>
  /** The `acr` of its logins unless idToken() says otherwise; default loa3. */
  acr?: string
}

export interface OidcTestIdp {
  issuer: string
  jwksUri: string
  /** The self-signed certificate the IdP serves, as the CA its clients must trust. */
  ca: string
  jwks: { keys: JWK[] }
  /** Signs `accountId` in for relying party `clientId` (a client registered on first use) and returns the ID token. */
  idToken (accountId: string, o: { clientId: string, acr?: string }): Promise<string>
  close (): Promise<void>
}

/** The part of oidc-provider's Provider used here (the project declares only the bench's part of its API). */
interface OidcProvider {
  callback (): (req: IncomingMessage, res: ServerResponse) => void
  interactionDetails (req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
  interactionFinished (req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>
  Grant: { new (properties: { accountId: string, clientId: string }): Grant, find (id: string): Promise<Grant | undefined> }
  on (event: string, listener: (...args: unknown[]) => void): unknown
}
interface InteractionDetails {
  uid: string
  grantId?: string
  prompt: { name: string, details: { missingOIDCClaims?: string[] } }
  params: Record<string, unknown>
  session?: { accountId?: string }
}
interface Grant { addOIDCScope (scope: string): void, addOIDCClaims (claims: string[]): void, save (): Promise<string> }
interface Answer { status: number, headers: IncomingMessage['headers'], body: string }

const REDIRECT = 'https://rp.test/callback'

/** Starts the IdP on https://127.0.0.1:<port>; `t.teardown` stops it. */
export async function oidcTestIdp (t: Test, options: OidcTestIdpOptions): Promise<OidcTestIdp> {
  const { key, cert: ca } = selfSignedCertificate(t, 'idp.oidc.test')
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => { res.writeHead(503).end() }
  const server: Server = createServer({ key, cert: ca }, (req, res) => handler(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`

  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const signing = { ...await exportJWK(privateKey), kid: `idp-${randomBytes(4).toString('hex')}`, alg: 'ES256', use: 'sig' }
  const { d: _d, ...publicJwk } = signing
  const clients = new Map<string, string>()
  const clientSecret = (clientId: string): string => {
    let secret = clients.get(clientId)
    if (secret === undefined) clients.set(clientId, secret = randomBytes(24).toString('base64url'))
    return secret
  }

  const provider = new Provider(issuer, {
    jwks: { keys: [signing] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AccessToken: 300, AuthorizationCode: 60, Grant: 600, IdToken: 300, Interaction: 600, Session: 600 },
    acrValues: [LOA2, LOA3, LOA4],
    scopes: ['openid', ...Object.keys(SCOPES)],
    claims: { acr: null, auth_time: null, sid: null, iss: null, openid: ['sub'], ...SCOPES },
    // Scope claims go into the ID token itself, not only to the UserInfo endpoint: the ID token is what is exchanged.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    async findAccount (_ctx: unknown, sub: string) {
      return { accountId: sub, claims: async () => ({ ...options.claims(sub), sub }) }
    },
    // Clients are looked up as needed: any client_id a test names is a registered relying party.
    adapter: clientAdapter(clientSecret)
  }) as unknown as OidcProvider
  const errors: unknown[] = []
  provider.on('server_error', (_ctx, error) => { errors.push(error) })
  const oidc = provider.callback()

  handler = (req, res) => {
    if (req.url?.startsWith('/interaction/')) interact(provider, options, req, res).catch((error: unknown) => { errors.push(error); res.writeHead(500).end(String(error)) })
    else oidc(req, res)
  }
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  t.teardown(close)

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    ca,
    jwks: { keys: [publicJwk] },
    async idToken (accountId, o) {
      try {
        return await codeFlow(issuer, ca, accountId, o.clientId, clientSecret(o.clientId), o.acr ?? options.acr ?? LOA3, options.claims(accountId))
      } catch (error) {
        if (errors.length > 0) throw new Error(`${(error as Error).message}; the IdP's errors: ${errors.map(String).join('; ')}`)
        throw error
      }
    },
    close
  }
}

/**
 * The login page: the person named by `login_hint` signs in at the `acr_values` asked
 * for, and consents to every scope and claim requested.
 */
async function interact (provider: OidcProvider, options: OidcTestIdpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res)
  const accountId = String(details.params['login_hint'] ?? details.session?.accountId ?? '')
  const clientId = String(details.params['client_id'])
  const acr = String(details.params['acr_values'] ?? options.acr ?? LOA3).split(' ')[0]
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId })
  grant.addOIDCScope(String(details.params['scope']))
  if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims)
  const grantId = await grant.save()
  await provider.interactionFinished(req, res, { login: { accountId, acr, remember: false }, consent: { grantId } }, { mergeWithLastSubmission: false })
}

/**
 * An adapter that keeps everything in memory, as the default one does, and answers for any
 * client_id with a confidential web client whose secret `secretOf` gives.
 */
function clientAdapter (secretOf: (clientId: string) => string) {
  const stores = new Map<string, Map<string, Record<string, unknown>>>()
  return class MemoryAdapter {
    private readonly store: Map<string, Record<string, unknown>>
    private readonly client: boolean
    constructor (name: string) {
      this.client = name === 'Client'
      let store = stores.get(name)
      if (!store) stores.set(name, store = new Map())
      this.store = store
    }

    async upsert (id: string, payload: Record<string, unknown>) { this.store.set(id, payload) }
    async find (id: string) {
      if (!this.client) return this.store.get(id)
      return {
        client_id: id,
        client_secret: secretOf(id),
        redirect_uris: [REDIRECT],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
        require_auth_time: true
      }
    }

    async findByUserCode () { return undefined }
    async findByUid (uid: string) { return [...this.store.values()].find((p) => p['uid'] === uid) }
    async consume (id: string) { const p = this.store.get(id); if (p) p['consumed'] = Math.floor(Date.now() / 1000) }
    async destroy (id: string) { this.store.delete(id) }
    async revokeByGrantId (grantId: string) { for (const [id, p] of this.store) if (p['grantId'] === grantId) this.store.delete(id) }
  }
}

/** The authorization code flow a relying party's browser and back end would run, redirects followed by hand and cookies kept. */
async function codeFlow (issuer: string, ca: string, accountId: string, clientId: string, secret: string, acr: string, expected: Record<string, unknown>): Promise<string> {
  const jar = new Map<string, string>()
  const verifier = randomBytes(32).toString('base64url')
  const state = randomBytes(8).toString('base64url')
  const authorize = new URL('/auth', issuer)
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: ['openid', ...Object.keys(SCOPES)].join(' '),
    acr_values: acr,
    login_hint: accountId,
    prompt: 'login',
    nonce: randomBytes(8).toString('base64url'),
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256'
  }).toString()

  let url = authorize.href
  let code: string | undefined
  for (let hop = 0; hop < 10 && code === undefined; hop++) {
    const answer = await send(url, ca, { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') })
    keepCookies(jar, answer.headers['set-cookie'] ?? [])
    const location = answer.headers.location
    if (answer.status < 300 || answer.status > 399 || !location) throw new Error(`the test IdP answered ${url} with ${answer.status}: ${answer.body.slice(0, 500)}`)
    const next = new URL(location, url)
    if (next.href.startsWith(REDIRECT)) {
      const error = next.searchParams.get('error')
      if (error) throw new Error(`the test IdP refused the authorization request: ${error} ${next.searchParams.get('error_description') ?? ''}`)
      if (next.searchParams.get('state') !== state) throw new Error('the test IdP returned another state')
      code = next.searchParams.get('code') ?? undefined
      if (!code) throw new Error(`the test IdP returned no code: ${next.href}`)
    } else url = next.href
  }
  if (code === undefined) throw new Error('the test IdP kept redirecting')

  const tokens = await send(new URL('/token', issuer).href, ca, {
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded'
  }, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString())
  if (tokens.status !== 200) throw new Error(`the test IdP's token endpoint answered ${tokens.status}: ${tokens.body}`)
  const idToken = (JSON.parse(tokens.body) as { id_token?: unknown }).id_token
  if (typeof idToken !== 'string') throw new Error(`the test IdP issued no id_token: ${tokens.body}`)
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  const missing = Object.keys(expected).filter((name) => RELEASABLE.has(name) && !(name in payload))
  if (missing.length > 0) throw new Error(`the test IdP's id_token lacks ${missing.join(', ')}`)
  return idToken
}

function keepCookies (jar: Map<string, string>, setCookies: string[]): void {
  for (const line of setCookies) {
    const [pair = '', ...attributes] = line.split(';')
    const at = pair.indexOf('=')
    const name = pair.slice(0, at).trim()
    const value = pair.slice(at + 1).trim()
    const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now())
    if (value === '' || expired) jar.delete(name)
    else jar.set(name, value)
  }
}

/** One HTTPS request trusting only `ca`; redirects are the caller's. */
function send (url: string, ca: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', ca, headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
