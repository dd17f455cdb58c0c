import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet } from 'jose'
import { publicKeyProblem, type ClientJwk, type RelyingPartyDocument } from './relying-party-document.js'
import type { StoredRelyingParty } from './repository.js'
import type { OutboundFetch } from '../net/outbound-fetch.js'
import { OutboundFailed } from '../net/outbound-errors.js'

export interface JwksFetchOptions {
  /** For the whole fetch, redirects included (not per read). */
  timeoutMs?: number
  maxBytes?: number
  /** How long a fetched set is used before it is fetched again. */
  cacheMs?: number
  /** The least time between two fetches of one set for an unknown kid (a flood of made-up kids must not become a flood of fetches). */
  refetchCooldownMs?: number
  /** Extra trusted CA certificates, PEM (tests' local HTTPS servers; production uses the system store or NODE_EXTRA_CA_CERTS). */
  ca?: string
}

type KeyLookup = (...args: Parameters<ReturnType<typeof createLocalJWKSet>>) => ReturnType<ReturnType<typeof createLocalJWKSet>>

/** Whose keys: a relying party, or anything else registered with inline keys or a jwks_uri (an organisation's IdP). */
export type KeyHolder = Pick<StoredRelyingParty, 'clientId'> & { document: Pick<RelyingPartyDocument, 'jwks' | 'jwks_uri'> }

/** Finds the key a client assertion names, among the relying party's inline keys or its jwks_uri set. */
export interface ClientKeys {
  lookupFor (party: KeyHolder): KeyLookup
}

interface CachedSet { uri: string, lookup: KeyLookup, fetchedAt: number }

export function clientKeys (outbound: Pick<OutboundFetch, 'get'>, options: JwksFetchOptions = {}): ClientKeys {
  const cacheMs = options.cacheMs ?? 300_000
  const cooldownMs = options.refetchCooldownMs ?? 10_000
  const remote = new Map<string, CachedSet>()

  async function fetchSet (clientId: string, uri: string): Promise<CachedSet> {
    const jwks = await fetchJwks(uri, outbound, options)
    const entry = { uri, lookup: createLocalJWKSet(jwks), fetchedAt: Date.now() }
    remote.set(clientId, entry)
    return entry
  }

  return {
    lookupFor (party) {
      const { jwks, jwks_uri: uri } = party.document
      if (jwks) return createLocalJWKSet(jwks as JSONWebKeySet)
      return async (header, token) => {
        let entry = remote.get(party.clientId)
        if (!entry || entry.uri !== uri || Date.now() - entry.fetchedAt > cacheMs) entry = await fetchSet(party.clientId, uri as string)
        try {
          return await entry.lookup(header, token)
        } catch (error) {
          // The agency may have rotated: fetch the set again once, unless it was fetched just now.
          if (!(error instanceof joseErrors.JWKSNoMatchingKey) || Date.now() - entry.fetchedAt < cooldownMs) throw error
          return (await fetchSet(party.clientId, uri as string)).lookup(header, token)
        }
      }
    }
  }
}

/** A jwks_uri could not be read. The message is the reason for an administrator; callers that answer unauthenticated requests show neither (the outbound guard logged the detail). */
export class JwksUnavailable extends Error {
  constructor (message: string, options?: ErrorOptions) { super(message, options); this.name = 'JwksUnavailable' }
}

/** GETs a JWK Set through the outbound guard (https, public addresses, total deadline, size limit); keeps only usable public keys with a kid. */
export async function fetchJwks (uri: string, outbound: Pick<OutboundFetch, 'get'>, options: JwksFetchOptions = {}): Promise<JSONWebKeySet> {
  const fetchOptions = {
    deadlineMs: options.timeoutMs ?? 5000,
    maxBytes: options.maxBytes ?? 65_536,
    headers: { accept: 'application/jwk-set+json, application/json' },
    followRedirects: true,
    ...(options.ca ? { ca: options.ca } : {})
  }
  try {
    return await outbound.get(uri, fetchOptions, (body) => usableKeys(JSON.parse(body.toString('utf8')) as unknown))
  } catch (error) {
    if (error instanceof OutboundFailed) throw new JwksUnavailable(`the jwks_uri could not be read: ${error.reason}`, { cause: error })
    throw error
  }
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']

function usableKeys (document: unknown): JSONWebKeySet {
  const keys = (document as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw new Error('no "keys" array')
  return {
    keys: keys.filter((k): k is ClientJwk => typeof k === 'object' && k !== null &&
      typeof (k as ClientJwk).kid === 'string' && ['EC', 'OKP', 'RSA'].includes((k as ClientJwk).kty) &&
      !PRIVATE_MEMBERS.some((m) => m in k) && publicKeyProblem(k as ClientJwk) === undefined) as JSONWebKeySet['keys']
  }
}
