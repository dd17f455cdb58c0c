import type { JSONWebKeySet } from 'jose'
import type { FederationSettings } from '../config/config-schema.js'
import { ConfigError } from '../config/load-config.js'
import { entityIdProblem } from '../config/federation-settings.js'
import type { OutboundFetch } from '../net/outbound-fetch.js'
import { OutboundFailed } from '../net/outbound-errors.js'
import type { Logger } from '../log/logger.js'
import type { AuditActor } from '../audit/audit-event.js'
import { keySetErrors, parseRelyingParty, type ClientJwk, type RelyingPartyDocument } from '../relying-parties/relying-party-document.js'
import type { RelyingPartyRepository, StoredRelyingParty } from '../relying-parties/repository.js'
import { FederationRefused } from './federation-errors.js'
import { ENTITY_STATEMENT_MEDIA_TYPE } from './entity-configuration.js'
import { resolveTrustChain, type TrustChain } from './trust-chain.js'
import { verifyTrustMark } from './trust-marks.js'

/** Entity ids longer than this are refused before anything is fetched. */
export const MAX_ENTITY_ID_LENGTH = 512
/** A failed resolution is not tried again for this long (a flood of token requests must not become a flood of fetches). */
const REFUSAL_MEMORY_MS = 30_000
const FEDERATION_ACTOR: AuditActor = { kind: 'system', component: 'federation' }
/** Only to check BEHORIG_FEDERATION_DEFAULT_RELEASE with the relying-party schema at start-up (Exempelkommun's number; the jwks_uri is never fetched). */
const PLACEHOLDER_ORGANISATION = '2129999997'

export interface StatementFetchOptions { deadlineMs?: number, maxBytes?: number, ca?: string }

export interface FederationDeps {
  settings: FederationSettings
  relyingParties: Pick<RelyingPartyRepository, 'find' | 'put'>
  outbound: Pick<OutboundFetch, 'get'>
  fetch?: StatementFetchOptions
  log?: Pick<Logger, 'warn'>
  now?: () => number
}

/** Relying parties that are known through OpenID Federation rather than registered. */
export interface FederatedClients {
  /** Whether `clientId` is an entity id behorig would resolve (trust anchors configured, an https URL). */
  handles (clientId: string): boolean
  /**
   * The enabled federated party: as stored while its chain is unexpired, else resolved (again)
   * and stored. Throws FederationRefused with a short reason; a party whose chain no longer
   * resolves is disabled first, so its access tokens die with its generation.
   */
  party (clientId: string): Promise<StoredRelyingParty | undefined>
  /** Resolves again if `clientId` is a federated party whose chain has expired; a refusal leaves it disabled. */
  refresh (clientId: string): Promise<void>
}

export function federatedClients (deps: FederationDeps): FederatedClients {
  const now = deps.now ?? Date.now
  const anchors = deps.settings.trustAnchors
  const template = releaseTemplate(deps.settings)
  const inFlight = new Map<string, Promise<StoredRelyingParty>>()
  const refused = new Map<string, { until: number, reason: string }>()
  const fetchOptions = {
    deadlineMs: deps.fetch?.deadlineMs ?? 5000,
    maxBytes: deps.fetch?.maxBytes ?? 65_536,
    headers: { accept: `${ENTITY_STATEMENT_MEDIA_TYPE}, application/jwt` },
    followRedirects: false,
    ...(deps.fetch?.ca ? { ca: deps.fetch.ca } : {})
  }
  const fetchStatement = async (url: string): Promise<string> => {
    try {
      return await deps.outbound.get(url, fetchOptions, (body) => body.toString('utf8').trim())
    } catch (error) {
      if (error instanceof OutboundFailed) throw new FederationRefused(`${new URL(url).origin} could not be read: ${error.reason}`, { cause: error })
      throw error
    }
  }
  const chainDeps = { fetchStatement, trustAnchors: anchors as Record<string, { keys: JSONWebKeySet['keys'] }>, now }

  const handles = (clientId: string): boolean =>
    Object.keys(anchors).length > 0 && clientId.startsWith('https://') && clientId.length <= MAX_ENTITY_ID_LENGTH && entityIdProblem(clientId) === undefined

  async function resolve (clientId: string): Promise<{ chain: TrustChain, expiresAt: number }> {
    const chain = await resolveTrustChain(clientId, chainDeps)
    let expiresAt = chain.expiresAt
    if (deps.settings.requiredTrustMark) {
      const markExpires = await verifyTrustMark(chain, deps.settings.requiredTrustMark, {
        now,
        issuerKeys: async (issuer, trustAnchor) => {
          if (issuer === trustAnchor) return { keys: { keys: anchors[trustAnchor]?.keys ?? [] } as JSONWebKeySet, expiresAt: Infinity }
          const issuerChain = await resolveTrustChain(issuer, chainDeps)
          if (issuerChain.trustAnchor !== trustAnchor) throw new FederationRefused(`the trust mark issuer ${issuer} is not in the same federation`)
          return { keys: issuerChain.leaf.jwks as JSONWebKeySet, expiresAt: issuerChain.expiresAt }
        }
      })
      expiresAt = Math.min(expiresAt, markExpires)
    }
    return { chain, expiresAt }
  }

  async function admit (clientId: string, existing: StoredRelyingParty | undefined): Promise<StoredRelyingParty> {
    const memory = refused.get(clientId)
    if (memory && memory.until > now()) throw new FederationRefused(memory.reason)
    try {
      const { chain, expiresAt } = await resolve(clientId)
      const document = federatedDocument(template, chain, expiresAt)
      refused.delete(clientId)
      return (await deps.relyingParties.put(clientId, document, FEDERATION_ACTOR)).stored
    } catch (error) {
      if (!(error instanceof FederationRefused)) throw error
      deps.log?.warn({ client_id: clientId, reason: error.message }, 'federated relying party refused')
      refused.set(clientId, { until: now() + REFUSAL_MEMORY_MS, reason: error.message })
      if (existing?.document.federation && !existing.document.disabled) {
        const federation = { ...existing.document.federation, refused: error.message }
        await deps.relyingParties.put(clientId, { ...existing.document, disabled: true, federation }, FEDERATION_ACTOR)
      }
      throw error
    }
  }

  async function party (clientId: string): Promise<StoredRelyingParty | undefined> {
    const existing = await deps.relyingParties.find(clientId)
    const federation = existing?.document.federation
    // Registered by hand (not possible through the API's client_id pattern, but the store may hold one): as registered.
    if (existing && !federation) return existing.document.disabled ? undefined : existing
    if (existing && federation && !existing.document.disabled && Date.parse(federation.expires_at) > now()) return existing
    let pending = inFlight.get(clientId)
    if (!pending) {
      pending = admit(clientId, existing).finally(() => inFlight.delete(clientId))
      inFlight.set(clientId, pending)
    }
    return pending
  }

  return {
    handles,
    party,
    async refresh (clientId) {
      if (!handles(clientId)) return
      const existing = await deps.relyingParties.find(clientId)
      const federation = existing?.document.federation
      if (!federation || Date.parse(federation.expires_at) > now()) return
      await party(clientId).catch((error: unknown) => { if (!(error instanceof FederationRefused)) throw error })
    }
  }
}

/** The relying-party document every federated party starts from: the configured release, checked by the relying-party schema. */
function releaseTemplate (settings: FederationSettings): RelyingPartyDocument | undefined {
  if (!settings.defaultRelease) return undefined
  try {
    const { organisation: _o, jwks_uri: _u, ...rest } = parseRelyingParty({ name: 'federation default', organisation: PLACEHOLDER_ORGANISATION, jwks_uri: 'https://federation.invalid/jwks', release: settings.defaultRelease })
    return rest
  } catch (error) {
    const detail = error instanceof Error && 'detail' in error ? String((error as { detail?: unknown }).detail) : String(error)
    throw new ConfigError([`BEHORIG_FEDERATION_DEFAULT_RELEASE is not a valid release policy: ${detail.replaceAll('/release', '')}`])
  }
}

/** The relying party a resolved chain makes: its keys and name from the resolved metadata, its release from configuration. */
function federatedDocument (template: RelyingPartyDocument | undefined, chain: TrustChain, expiresAt: number): RelyingPartyDocument {
  if (!template) throw new FederationRefused('federated relying parties are not configured')
  const client = chain.metadata['oauth_client']
  if (!client) throw new FederationRefused('the entity has no oauth_client metadata')
  const method = client['token_endpoint_auth_method']
  if (method !== undefined && method !== 'private_key_jwt') throw new FederationRefused('its token_endpoint_auth_method is not private_key_jwt')
  const jwks = client['jwks'] as { keys?: unknown } | undefined
  if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
    throw new FederationRefused(client['jwks_uri'] !== undefined || client['signed_jwks_uri'] !== undefined
      ? 'its oauth_client metadata has jwks_uri or signed_jwks_uri only; behorig takes keys from jwks'
      : 'its oauth_client metadata has no jwks')
  }
  const keys = jwks.keys as ClientJwk[]
  const problems = keySetErrors(keys, (jwk) => typeof jwk.kid === 'string' ? undefined : 'has no kid')
  if (problems.length > 0) throw new FederationRefused(`its oauth_client jwks: ${problems[0]?.detail ?? 'unusable'}`)
  const entity = chain.metadata['federation_entity']
  const name = [entity?.['organization_name'], client['client_name'], chain.entityId].find((n): n is string => typeof n === 'string' && n.length > 0) as string
  return {
    ...template,
    name: name.slice(0, 200),
    jwks: { keys },
    disabled: false,
    federation: {
      trust_anchor: chain.trustAnchor,
      expires_at: new Date(expiresAt).toISOString(),
      metadata: { oauth_client: withoutKeys(client), ...(entity ? { federation_entity: entity } : {}) }
    }
  }
}

/** The keys are the document's jwks already; the metadata keeps the rest. */
function withoutKeys (client: Record<string, unknown>): Record<string, unknown> {
  const { jwks: _keys, ...rest } = client
  return rest
}
