import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose'
import { STATEMENT_ALGS } from './entity-statement.js'
import { FederationRefused } from './federation-errors.js'
import type { TrustChain } from './trust-chain.js'

/** §7.1: the `typ` of a trust mark JWT. */
export const TRUST_MARK_TYPE = 'trust-mark+jwt'

/** The keys of a trust mark issuer, resolved through its own chain to `trustAnchor`; expires when that chain does. */
export type IssuerKeys = (issuer: string, trustAnchor: string) => Promise<{ keys: JSONWebKeySet, expiresAt: number }>

/**
 * The leaf's trust mark of `type` (§7): issued by the trust anchor itself or by an issuer
 * its `trust_mark_issuers` lists for the type, signed by that issuer's federation keys
 * (resolved through the same trust anchor), `sub` the entity, not expired. Returns when it
 * stops being valid (ms since the epoch). Delegated trust marks are not supported.
 */
export async function verifyTrustMark (chain: TrustChain, type: string, deps: { issuerKeys: IssuerKeys, now: () => number }): Promise<number> {
  const entries = (Array.isArray(chain.leaf.trust_marks) ? chain.leaf.trust_marks : []).filter((e) => (e.trust_mark_type ?? e.id) === type && typeof e.trust_mark === 'string')
  if (entries.length === 0) throw new FederationRefused(`no trust mark of type ${type}`)
  let last: FederationRefused | undefined
  for (const entry of entries) {
    try {
      return await verifyOne(entry.trust_mark as string, chain, type, deps)
    } catch (error) {
      if (!(error instanceof FederationRefused)) throw error
      last = error
    }
  }
  throw last ?? new FederationRefused(`no valid trust mark of type ${type}`)
}

async function verifyOne (jwt: string, chain: TrustChain, type: string, deps: { issuerKeys: IssuerKeys, now: () => number }): Promise<number> {
  let issuer: unknown
  try { issuer = decodeJwt(jwt).iss } catch { throw new FederationRefused('the trust mark is not a JWT') }
  if (typeof issuer !== 'string') throw new FederationRefused('the trust mark has no issuer')
  const allowed = chain.trustAnchorConfiguration.trust_mark_issuers?.[type]
  if (issuer !== chain.trustAnchor && !(Array.isArray(allowed) && allowed.includes(issuer))) {
    throw new FederationRefused(`the trust anchor does not allow ${issuer} to issue trust marks of type ${type}`)
  }
  const { keys, expiresAt } = await deps.issuerKeys(issuer, chain.trustAnchor)
  try {
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(keys), {
      algorithms: STATEMENT_ALGS,
      typ: TRUST_MARK_TYPE,
      issuer,
      subject: chain.entityId,
      requiredClaims: ['iat'],
      currentDate: new Date(deps.now()),
      clockTolerance: 30
    })
    if ((payload['trust_mark_type'] ?? payload['id']) !== type) throw new FederationRefused(`the trust mark is not of type ${type}`)
    return Math.min(expiresAt, typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity)
  } catch (error) {
    if (error instanceof FederationRefused) throw error
    throw new FederationRefused(`the trust mark of type ${type} does not verify (${(error as { code?: string }).code ?? 'invalid'})`)
  }
}
