import type { JSONWebKeySet } from 'jose'
import { ENTITY_CONFIGURATION_PATH } from './entity-configuration.js'
import { unverifiedClaims, verifyStatement, type EntityStatement } from './entity-statement.js'
import { FederationRefused } from './federation-errors.js'
import { applyPolicy, combinePolicies, MetadataPolicyError, overrideMetadata, type Metadata, type MetadataPolicy } from './metadata-policy.js'

/** Superiors above the leaf at most: leaf → 3 intermediates → trust anchor. */
export const MAX_CHAIN_DEPTH = 4
/** Authority hints followed per entity; more are refused, not silently cut. */
export const MAX_AUTHORITY_HINTS = 4
/** Documents fetched for one resolution, all branches together. */
export const MAX_FETCHES = 24

/** GETs a statement (a compact JWS) through the outbound guard. */
export type FetchStatement = (url: string) => Promise<string>

export interface TrustChainDeps {
  fetchStatement: FetchStatement
  /** By entity id, the trust anchors' keys, from configuration. */
  trustAnchors: Record<string, { keys: JSONWebKeySet['keys'] }>
  now: () => number
}

export interface TrustChain {
  entityId: string
  trustAnchor: string
  /** The leaf's entity configuration, as verified. */
  leaf: EntityStatement
  /** Subordinate statements, the one about the leaf first, the trust anchor's last. */
  statements: EntityStatement[]
  trustAnchorConfiguration: EntityStatement
  /** The earliest exp in the chain (ms since the epoch): the chain is used no longer. */
  expiresAt: number
  /** The leaf's metadata with its superiors' metadata and policies applied. */
  metadata: Metadata
}

/** `<id>/.well-known/openid-federation` (§9: a trailing slash of the id is not doubled). */
export const entityConfigurationUrl = (entityId: string): string => `${entityId.replace(/\/+$/, '')}${ENTITY_CONFIGURATION_PATH}`

/**
 * Resolves a trust chain from `entityId` to one of the configured trust anchors (§10):
 * the leaf's entity configuration, each superior's entity configuration and its
 * subordinate statement about the one below, every signature, iss/sub link, iat and exp,
 * the trust anchor checked with the keys configured for it (never those it publishes),
 * then the metadata policies. Authority hints are followed depth first, in order; a loop,
 * a chain deeper than MAX_CHAIN_DEPTH or a fan-out wider than MAX_AUTHORITY_HINTS is refused.
 */
export async function resolveTrustChain (entityId: string, deps: TrustChainDeps): Promise<TrustChain> {
  let fetches = 0
  const fetchJwt = async (url: string): Promise<string> => {
    if (++fetches > MAX_FETCHES) throw new FederationRefused(`resolving the chain took more than ${MAX_FETCHES} fetches`)
    return deps.fetchStatement(url)
  }
  const now = deps.now()

  /** An entity configuration, self-signed (§3.2) — or, for a trust anchor, signed by its configured keys. */
  async function configurationOf (id: string): Promise<EntityStatement> {
    const jwt = await fetchJwt(entityConfigurationUrl(id))
    const anchor = deps.trustAnchors[id]
    const keys = anchor ? { keys: anchor.keys } : unverifiedClaims(jwt, `the entity configuration of ${id}`).jwks
    return verifyStatement(jwt, keys as JSONWebKeySet | undefined, { iss: id, sub: id, what: `the entity configuration of ${id}`, now })
  }

  const leaf = await configurationOf(entityId)
  const failures: string[] = []

  /** Chains from `subject` (whose configuration is verified) upwards; null when none. */
  async function above (subject: EntityStatement, path: string[]): Promise<{ statements: EntityStatement[], anchor: EntityStatement } | null> {
    const hints = subject.authority_hints ?? []
    if (!Array.isArray(hints) || hints.some((h) => typeof h !== 'string')) throw new FederationRefused(`the authority_hints of ${subject.sub} are malformed`)
    if (hints.length > MAX_AUTHORITY_HINTS) throw new FederationRefused(`${subject.sub} names more than ${MAX_AUTHORITY_HINTS} authority hints`)
    for (const superiorId of hints) {
      if (path.includes(superiorId)) { failures.push(`a loop in authority hints: ${[...path, superiorId].join(' → ')}`); continue }
      if (path.length > MAX_CHAIN_DEPTH) { failures.push(`the chain is longer than ${MAX_CHAIN_DEPTH} superiors`); continue }
      try {
        const found = await through(subject, superiorId, path)
        if (found) return found
      } catch (error) {
        if (!(error instanceof FederationRefused)) throw error
        failures.push(error.message)
      }
    }
    return null
  }

  async function through (subject: EntityStatement, superiorId: string, path: string[]): Promise<{ statements: EntityStatement[], anchor: EntityStatement } | null> {
    const superior = await configurationOf(superiorId)
    const endpoint = (superior.metadata?.['federation_entity'] as { federation_fetch_endpoint?: unknown } | undefined)?.federation_fetch_endpoint
    if (typeof endpoint !== 'string') throw new FederationRefused(`${superiorId} has no federation_fetch_endpoint`)
    const url = new URL(endpoint)
    url.searchParams.set('sub', subject.sub)
    const keys = deps.trustAnchors[superiorId] ? { keys: deps.trustAnchors[superiorId].keys } : superior.jwks
    const statement = await verifyStatement(await fetchJwt(url.href), keys as JSONWebKeySet, { iss: superiorId, sub: subject.sub, what: `${superiorId}'s statement about ${subject.sub}`, now })
    // §10.2: the subject's own configuration must verify with the keys its superior vouches for.
    await verifySubjectKeys(subject, statement)
    if (deps.trustAnchors[superiorId]) return { statements: [statement], anchor: superior }
    const rest = await above(superior, [...path, superiorId])
    return rest ? { statements: [statement, ...rest.statements], anchor: rest.anchor } : null
  }

  async function verifySubjectKeys (subject: EntityStatement, statement: EntityStatement): Promise<void> {
    const vouched = new Set((statement.jwks?.keys ?? []).map((k) => JSON.stringify([k.kid, k.kty, k['x'], k['y'], k['n']])))
    const own = subject.jwks?.keys ?? []
    if (own.length === 0 || !own.some((k) => vouched.has(JSON.stringify([k.kid, k.kty, k['x'], k['y'], k['n']])))) {
      throw new FederationRefused(`the keys of ${subject.sub} are not the ones ${statement.iss} vouches for`)
    }
  }

  if (deps.trustAnchors[entityId]) throw new FederationRefused('a trust anchor is not a relying party')
  const found = await above(leaf, [entityId])
  if (!found) throw new FederationRefused(failures[0] ?? 'no configured trust anchor is reachable through its authority hints')
  checkConstraints(entityId, leaf, found.statements)
  const chain = [leaf, ...found.statements, found.anchor]
  return {
    entityId,
    trustAnchor: found.anchor.iss,
    leaf,
    statements: found.statements,
    trustAnchorConfiguration: found.anchor,
    expiresAt: Math.min(...chain.map((s) => s.exp)) * 1000,
    metadata: resolvedMetadata(leaf, found.statements)
  }
}

interface Constraints { max_path_length?: number, naming_constraints?: { permitted?: string[], excluded?: string[] }, allowed_entity_types?: string[] }

/**
 * §6.2: each superior's `constraints` on the chain below it. `max_path_length` caps the
 * intermediates between the statement's subject and the leaf; `naming_constraints` the
 * entity ids of the subject and those below it (by host: `example.se` is that host, `.example.se` its subdomains);
 * `allowed_entity_types` the leaf's types: a relying party needs `oauth_client`.
 */
function checkConstraints (entityId: string, leaf: EntityStatement, statements: EntityStatement[]): void {
  const ids = [entityId, ...statements.map((s) => s.sub)]
  statements.forEach((statement, index) => {
    const constraints = statement['constraints'] as Constraints | undefined
    if (!constraints) return
    // The statement's subject and every entity below it, down to the leaf.
    const below = ids.slice(0, index + 1)
    if (typeof constraints.max_path_length === 'number' && index - 1 > constraints.max_path_length) {
      throw new FederationRefused(`${statement.iss} allows at most ${constraints.max_path_length} intermediates below ${statement.sub}`)
    }
    const naming = constraints.naming_constraints
    for (const id of below) {
      const host = new URL(id).hostname
      if (naming?.excluded?.some((name) => hostMatches(host, name))) throw new FederationRefused(`${statement.iss}'s naming constraints exclude ${id}`)
      if (naming?.permitted && !naming.permitted.some((name) => hostMatches(host, name))) throw new FederationRefused(`${statement.iss}'s naming constraints do not permit ${id}`)
    }
    const types = constraints.allowed_entity_types
    if (Array.isArray(types) && !types.includes('oauth_client') && leaf.metadata?.['oauth_client'] !== undefined) {
      throw new FederationRefused(`${statement.iss} does not allow entities of type oauth_client`)
    }
  })
}

const hostMatches = (host: string, name: string): boolean => name.startsWith('.') ? host.endsWith(name) : host === name

/** §6.1.4: the immediate superior's metadata over the leaf's, then the policies combined from the trust anchor down. */
function resolvedMetadata (leaf: EntityStatement, statements: EntityStatement[]): Metadata {
  try {
    let policy: MetadataPolicy = {}
    for (const statement of [...statements].reverse()) {
      policy = combinePolicies(policy, (statement.metadata_policy ?? {}) as MetadataPolicy, statements.flatMap((s) => s.metadata_policy_crit ?? []))
    }
    return applyPolicy(policy, overrideMetadata((leaf.metadata ?? {}) as Metadata, statements[0]?.metadata as Metadata | undefined))
  } catch (error) {
    if (error instanceof MetadataPolicyError) throw new FederationRefused(`metadata policy: ${error.message}`)
    throw error
  }
}
