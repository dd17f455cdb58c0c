import type { Kysely } from 'kysely'
import type { Config } from './config/config-schema.js'
import type { SecretBox } from './crypto/secret-box.js'
import type { Database } from './store/database-types.js'
import { keyRepository } from './keys/repository.js'
import { keyService, type KeyService } from './keys/service.js'
import { relyingPartyRepository, type StoredRelyingParty } from './relying-parties/repository.js'
import { relyingPartyService, type RelyingPartyService } from './relying-parties/service.js'
import { clientKeys, type JwksFetchOptions } from './relying-parties/client-keys.js'
import type { OutboundFetch } from './net/outbound-fetch.js'
import { redisReplayGuard, type ReplayGuard } from './oauth/replay-guard.js'
import { storeReplayGuard } from './oauth/repository.js'
import { auditedClientAuthentication, type ClientAuthentication } from './oauth/audited-client-authentication.js'
import { accessTokenVerifier, type AccessTokenVerifier } from './oauth/access-token.js'
import { clientCredentialsGrant, type GrantHandler, type Grants } from './oauth/grants.js'
import { tokenEndpointOf } from './oauth/metadata.js'
import { tokenEndpointAudit } from './oauth/token-endpoint-audit.js'
import { TOKEN_EXCHANGE_GRANT, tokenExchangeGrant } from './oauth/token-exchange.js'
import { subjectTokenVerifiers } from './oauth/subject-tokens/subject-token-verifiers.js'
import { statusListRepository } from './tokens/status-list-repository.js'
import { statusListService, type StatusListService } from './tokens/status-list-service.js'
import { attributeTokenService, type AttributeTokenService, type IssuanceObserver } from './tokens/attribute-token-service.js'
import { identityProviderRepository } from './identity-providers/repository.js'
import { identityProviderService, type IdentityProviderService } from './identity-providers/service.js'
import type { MetadataFetchOptions } from './identity-providers/saml-metadata.js'
import type { Logger } from './log/logger.js'
import { organisationRepository } from './organisations/repository.js'
import { federatedClients, type FederatedClients } from './federation/service.js'

/** Keys, relying parties, client authentication, access tokens and status lists: what token issuance builds on. */
export interface TokenServices {
  keys: KeyService
  /** The keys that sign behorig's Entity Configuration (OpenID Federation): never a token, never in /.well-known/jwks.json. */
  federationKeys: KeyService
  relyingParties: RelyingPartyService
  authenticateClient: ClientAuthentication
  /** Bearer auth for the attribute-token endpoint. */
  accessTokens: AccessTokenVerifier
  /** Grant handlers of /oauth/token by grant_type; token exchange adds itself here. */
  grants: Grants
  /** The subject_token_type values token exchange accepts (the metadata lists them). */
  subjectTokenTypes: readonly string[]
  /** Relying parties known through OpenID Federation (entity ids as client_ids). */
  federatedClients: FederatedClients
  statusLists: StatusListService
  /** Attribute tokens: issuance, and revocation through the status lists. */
  attributeTokens: AttributeTokenService
  /** The SAML and OIDC identity providers whose logins token exchange accepts. */
  identityProviders: IdentityProviderService
  close (): Promise<void>
}

export interface TokenServiceOptions {
  /** How relying parties' jwks_uri sets are fetched (tests trust their local CA here). */
  jwksFetch?: JwksFetchOptions
  /** How SAML metadata_url documents are fetched (tests trust their local CA here). */
  metadataFetch?: MetadataFetchOptions
  /**
   * False only in the token benchmark's baseline run, to measure what auditing issuance
   * costs; no configuration reaches it.
   */
  issuanceAudit?: boolean
  /** The clock attribute validity is read by (the mapping recompute's; tests pin it). */
  evaluationClock?: () => Date
  /** The clock trust chains' iat and exp are judged by (tests move it past a chain's expiry). */
  federationClock?: () => number
  /** Told of each attribute token issued or refused, by issuance and by token exchange (the metrics). */
  observeIssuance?: IssuanceObserver
}

export function createTokenServices (config: Config, deps: { db: Kysely<Database>, box: SecretBox, outbound: Pick<OutboundFetch, 'get'>, log?: Pick<Logger, 'warn'> }, options: TokenServiceOptions = {}): TokenServices {
  const keys = keyService({ keys: keyRepository(deps.db), box: deps.box, policy: config.keys })
  const federationKeys = keyService({
    keys: keyRepository(deps.db, 'federation'),
    box: deps.box,
    policy: { ...config.keys, signatureLifetimeSeconds: config.federation.statementSeconds },
    purpose: 'federation'
  })
  const relyingParties = relyingPartyService({ relyingParties: relyingPartyRepository(deps.db) })
  const replay: ReplayGuard = config.redisUrl ? redisReplayGuard(config.redisUrl, config.jobs.queueName) : storeReplayGuard(deps.db)
  const federated = federatedClients({
    settings: config.federation,
    relyingParties: relyingPartyRepository(deps.db),
    outbound: deps.outbound,
    ...(options.jwksFetch?.ca ? { fetch: { ca: options.jwksFetch.ca } } : {}),
    ...(deps.log ? { log: deps.log } : {}),
    ...(options.federationClock ? { now: options.federationClock } : {})
  })
  // An entity id under a configured trust anchor is resolved through its trust chain; any other client_id must be registered.
  const findClient = (clientId: string): Promise<StoredRelyingParty | undefined> => federated.handles(clientId) ? federated.party(clientId) : relyingParties.findEnabled(clientId)
  const keySets = clientKeys(deps.outbound, options.jwksFetch)
  const assertionDeps = { issuer: config.issuer, tokenEndpoint: tokenEndpointOf(config.issuer), findClient, keys: keySets, replay }
  const statusLists = statusListService({ lists: statusListRepository(deps.db), keys, issuer: config.issuer })
  const attributeTokens = attributeTokenService({
    db: deps.db,
    box: deps.box,
    keys,
    statusLists,
    issuer: config.issuer,
    audit: options.issuanceAudit ?? true,
    ...(options.evaluationClock ? { evaluationClock: options.evaluationClock } : {}),
    ...(options.observeIssuance ? { observe: options.observeIssuance } : {})
  })
  const record = tokenEndpointAudit(deps.db)
  const identityProviders = identityProviderService({
    identityProviders: identityProviderRepository(deps.db),
    organisations: organisationRepository(deps.db),
    outbound: deps.outbound,
    ...(options.metadataFetch ? { metadataFetch: options.metadataFetch } : {}),
    ...(deps.log ? { log: deps.log } : {})
  })
  const subjectTokens = subjectTokenVerifiers({ issuer: config.issuer, identityProviders, keys: keySets, replay })
  return {
    keys,
    federationKeys,
    relyingParties,
    authenticateClient: auditedClientAuthentication(assertionDeps, record),
    accessTokens: accessTokenVerifier({ issuer: config.issuer, keys }),
    grants: new Map<string, GrantHandler>([
      ['client_credentials', clientCredentialsGrant({ keys, issuer: config.issuer, record })],
      [TOKEN_EXCHANGE_GRANT, tokenExchangeGrant({ subjectTokens, attributeTokens, ...(options.observeIssuance ? { refused: options.observeIssuance.refused } : {}) })]
    ]),
    subjectTokenTypes: [...subjectTokens.keys()],
    federatedClients: federated,
    statusLists,
    attributeTokens,
    identityProviders,
    async close () {
      await attributeTokens.drain()
      await replay.close()
    }
  }
}
