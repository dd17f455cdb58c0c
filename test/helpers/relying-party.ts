import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { adminHeaders } from './app.js'
import { JWT_BEARER_ASSERTION } from '../../src/oauth/client-assertion.js'

export const AGENCY_ORGANISATION = '2021005521'

export interface ClientKey { kid: string, alg: string, privateKey: CryptoKeyLike, publicJwk: JWK }
type CryptoKeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

/** An agency's key pair, as the agency would make it. */
export async function clientKey (alg = 'ES256', kid = `key-${randomUUID().slice(0, 8)}`): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg.startsWith('PS') || alg.startsWith('RS') ? { modulusLength: 2048 } : {}) })
  return { kid, alg, privateKey, publicJwk: { ...await exportJWK(publicKey), kid, use: 'sig' } }
}

export function relyingPartyDocument (keys: ClientKey[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Försäkringskassan – SSBTEK',
    organisation: AGENCY_ORGANISATION,
    jwks: { keys: keys.map((k) => k.publicJwk) },
    release: { attributes: ['socialtjanst.eb.handlaggare'] },
    // The tests written against the v1 claims; a new party's default is sweden, which
    // test/tokens/national-claims.test.ts covers.
    claims_profile: 'behorig',
    ...overrides
  }
}

export async function registerRelyingParty (app: FastifyInstance, clientId: string, document: Record<string, unknown>): Promise<void> {
  const res = await app.inject({ method: 'PUT', url: `/v1/relying-parties/${clientId}`, headers: adminHeaders, payload: document })
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`registering ${clientId} failed: ${res.statusCode} ${res.body}`)
}

export interface AssertionOptions {
  claims?: Record<string, unknown>
  /** Claims to leave out. */
  omit?: string[]
  header?: Record<string, unknown>
}

/** A private_key_jwt client assertion (RFC 7523) as DESIGN.md describes it: iss = sub = client_id, aud = issuer. */
export async function clientAssertion (key: ClientKey, clientId: string, audience: string, options: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud: audience, iat: now, exp: now + 60, jti: randomUUID(), ...options.claims }
  for (const name of options.omit ?? []) delete claims[name]
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...options.header }).sign(key.privateKey)
}

export function tokenRequest (app: FastifyInstance, assertion: string, extra: Record<string, string> = {}) {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion, ...extra })
  return app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() })
}

/**
 * The organisation approves the relying party (PUT …/relying-party-approvals/{client_id}) as
 * the platform admin: by default for all its release policy names, no purposes.
 */
export async function approveRelyingParty (app: FastifyInstance, organisation: string, clientId: string, body: Record<string, unknown> = {}): Promise<void> {
  const res = await app.inject({ method: 'PUT', url: `/v1/organisations/${organisation}/relying-party-approvals/${encodeURIComponent(clientId)}`, headers: adminHeaders, payload: { attributes: 'all-released', agreement: 'Test agreement', ...body } })
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`approving ${clientId} for ${organisation} failed: ${res.statusCode} ${res.body}`)
}
